import type { EntityManager, QueryRunner, TransactionCommitEvent } from 'typeorm';
import { EventPublisher, OutboxCommitNotifier } from './event-publisher';

function fakeRunner(active: boolean): QueryRunner {
  return { isTransactionActive: active, data: {} } as unknown as QueryRunner;
}

function managerOn(runner: QueryRunner | undefined): EntityManager {
  return { queryRunner: runner, query: () => Promise.resolve([]) } as unknown as EntityManager;
}

const request = {
  type: 'customer.created' as const,
  tenantId: 't1',
  aggregateId: 'c1',
  payload: { customerId: 'c1', tier: 'standard' as const, name: null, identities: [] },
};

describe('waking the outbox relay', () => {
  it('wakes it after the COMMIT of a transaction that appended events, not before', async () => {
    const woken: string[] = [];
    const publisher = new EventPublisher('ingestion', 'ingestion', () => woken.push('at append'));
    const notifier = new OutboxCommitNotifier(() => woken.push('after commit'));
    const runner = fakeRunner(true);
    await publisher.publishAll(managerOn(runner), [request]);
    expect(woken).toEqual([]);

    // A savepoint release inside the transaction is not yet a commit.
    notifier.afterTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(woken).toEqual([]);

    (runner as { isTransactionActive: boolean }).isTransactionActive = false;
    notifier.afterTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    notifier.afterTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(woken).toEqual(['after commit']);
  });

  it('wakes it at once when the rows were written outside a transaction', async () => {
    const woken: string[] = [];
    const publisher = new EventPublisher('ingestion', 'ingestion', () => woken.push('at append'));
    await publisher.publishAll(managerOn(undefined), [request]);
    expect(woken).toEqual(['at append']);
  });

  it('does not wake it for a transaction that appended nothing', () => {
    const woken: string[] = [];
    new OutboxCommitNotifier(() => woken.push('after commit')).afterTransactionCommit({ queryRunner: fakeRunner(false) } as TransactionCommitEvent);
    expect(woken).toEqual([]);
  });
});
