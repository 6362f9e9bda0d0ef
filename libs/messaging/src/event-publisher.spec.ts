import type { EntityManager, QueryRunner, TransactionCommitEvent } from 'typeorm';
import { DeferredWrites } from '@helpdesk/persistence';
import { EventPublisher, OutboxCommitNotifier } from './event-publisher';

interface Recorded {
  sql: string;
  parameters: unknown[];
}

function fakeRunner(active: boolean, log: Recorded[] = []): QueryRunner {
  return {
    isTransactionActive: active,
    data: {},
    query: (sql: string, parameters: unknown[] = []) => {
      log.push({ sql, parameters });
      return Promise.resolve([]);
    },
  } as unknown as QueryRunner;
}

function managerOn(runner: QueryRunner | undefined, subscribers: object[] = [], log: Recorded[] = []): EntityManager {
  return {
    queryRunner: runner,
    connection: { subscribers },
    query: (sql: string, parameters: unknown[] = []) => {
      log.push({ sql, parameters });
      return Promise.resolve([]);
    },
  } as unknown as EntityManager;
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
    await publisher.publishAll(managerOn(runner, [new DeferredWrites(), notifier]), [request]);
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

describe('outbox rows inside a transaction', () => {
  const outboxInserts = (log: Recorded[]): Recorded[] => log.filter((q) => q.sql.includes('"outbox"'));

  it('writes every event of the transaction in one insert just before it commits', async () => {
    const log: Recorded[] = [];
    const writes = new DeferredWrites();
    const publisher = new EventPublisher('triage', 'triage');
    const runner = fakeRunner(true, log);
    const manager = managerOn(runner, [writes], log);
    const first = await publisher.publish(manager, request);
    const [second, third] = await publisher.publishAll(manager, [
      { ...request, aggregateId: 'c2' },
      { ...request, aggregateId: 'c3' },
    ]);
    expect(outboxInserts(log)).toHaveLength(0);

    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    const inserts = outboxInserts(log);
    expect(inserts).toHaveLength(1);
    // One array per column, rows in publication order.
    expect(inserts[0].parameters[0]).toEqual([first.id, second.id, third.id]);
    expect(inserts[0].parameters[3]).toEqual(['c1', 'c2', 'c3']);
    expect(inserts[0].sql).toMatch(/WITH ORDINALITY[\s\S]*ORDER BY r\.n/u);
  });

  it('writes at once on a data source without deferred writes', async () => {
    const log: Recorded[] = [];
    const publisher = new EventPublisher('triage', 'triage');
    await publisher.publish(managerOn(fakeRunner(true, log), [], log), request);
    expect(outboxInserts(log)).toHaveLength(1);
  });

  it('writes a very large transaction in one insert of six bind parameters', async () => {
    const log: Recorded[] = [];
    const writes = new DeferredWrites();
    const publisher = new EventPublisher('triage', 'triage');
    const runner = fakeRunner(true, log);
    await publisher.publishAll(
      managerOn(runner, [writes], log),
      Array.from({ length: 2500 }, (_, i) => ({ ...request, aggregateId: `c${i}` })),
    );
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    const inserts = outboxInserts(log);
    expect(inserts.map((q) => q.parameters.length)).toEqual([6]);
    expect((inserts[0].parameters[0] as unknown[]).length).toBe(2500);
  });
});
