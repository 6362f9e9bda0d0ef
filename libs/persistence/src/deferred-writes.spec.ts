import type { EntityManager, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, TransactionStartEvent } from 'typeorm';
import { DeferredWrites, deferWrite, type Queryable } from './deferred-writes';

function transaction(subscribers: object[]): { runner: QueryRunner; manager: EntityManager } {
  const runner = { isTransactionActive: true, data: {} } as unknown as QueryRunner;
  const manager = { queryRunner: runner, connection: { subscribers } } as unknown as EntityManager;
  return { runner, manager };
}

describe('writes deferred to the commit', () => {
  it('hands every item deferred under a key to one flush, keys in the order first used', async () => {
    const writes = new DeferredWrites();
    const { runner, manager } = transaction([writes]);
    const flushed: string[] = [];
    const flush = (name: string) => (_db: Queryable, items: readonly number[]): Promise<void> => {
      flushed.push(`${name}:${items.join(',')}`);
      return Promise.resolve();
    };
    expect(deferWrite(manager, 'b', [1, 2], flush('b'))).toBe(true);
    expect(deferWrite(manager, 'a', [3], flush('a'))).toBe(true);
    expect(deferWrite(manager, 'b', [4], flush('b'))).toBe(true);
    expect(flushed).toEqual([]);
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(flushed).toEqual(['b:1,2,4', 'a:3']);
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(flushed).toHaveLength(2);
  });

  it('drops the items of a rolled-back savepoint but keeps those deferred before it opened', async () => {
    const writes = new DeferredWrites();
    const { runner, manager } = transaction([writes]);
    const flushed: number[][] = [];
    const flush = (_db: Queryable, items: readonly number[]): Promise<void> => {
      flushed.push([...items]);
      return Promise.resolve();
    };
    deferWrite(manager, 'k', [1], flush);
    await writes.beforeTransactionStart({ queryRunner: runner } as TransactionStartEvent);
    expect(flushed).toEqual([[1]]);
    deferWrite(manager, 'k', [2], flush);
    writes.afterTransactionRollback({ queryRunner: runner } as TransactionRollbackEvent);
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(flushed).toEqual([[1]]);
  });

  it('defers nothing outside a transaction or without the subscriber', () => {
    const none = (): Promise<void> => Promise.resolve();
    const outside = { queryRunner: { isTransactionActive: false, data: {} }, connection: { subscribers: [new DeferredWrites()] } } as unknown as EntityManager;
    expect(deferWrite(outside, 'k', [1], none)).toBe(false);
    expect(deferWrite(transaction([]).manager, 'k', [1], none)).toBe(false);
  });
});
