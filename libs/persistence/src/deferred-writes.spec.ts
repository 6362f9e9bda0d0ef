import type { EntityManager, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, TransactionStartEvent } from 'typeorm';
import { DeferredWrites, forgetInTransaction, writeBeforeCommit, writePendingNow, memoInTransaction, type Queryable } from './deferred-writes';

function transaction(subscribers: object[]): { runner: QueryRunner; manager: EntityManager } {
  const runner = { isTransactionActive: true, data: {} } as unknown as QueryRunner;
  const manager = { queryRunner: runner, connection: { subscribers } } as unknown as EntityManager;
  return { runner, manager };
}

/** A flush that notes `name:items` for each call. */
function noting(flushed: string[], name: string) {
  return (_db: Queryable, items: readonly number[]): Promise<void> => {
    flushed.push(`${name}:${items.join(',')}`);
    return Promise.resolve();
  };
}

describe('writes deferred to the commit', () => {
  it('hands every item deferred under a key to one flush, keys in the order first used', async () => {
    const writes = new DeferredWrites();
    const { runner, manager } = transaction([writes]);
    const flushed: string[] = [];
    const flush = (name: string) => noting(flushed, name);
    await writeBeforeCommit(manager, 'b', [1, 2], flush('b'));
    await writeBeforeCommit(manager, 'a', [3], flush('a'));
    await writeBeforeCommit(manager, 'b', [4], flush('b'));
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
    await writeBeforeCommit(manager, 'k', [1], flush);
    await writes.beforeTransactionStart({ queryRunner: runner } as TransactionStartEvent);
    expect(flushed).toEqual([[1]]);
    await writeBeforeCommit(manager, 'k', [2], flush);
    writes.afterTransactionRollback({ queryRunner: runner } as TransactionRollbackEvent);
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(flushed).toEqual([[1]]);
  });

  it('writes the items of one key at once for a read in the same transaction, the rest still at the commit', async () => {
    const writes = new DeferredWrites();
    const { runner, manager } = transaction([writes]);
    const flushed: string[] = [];
    const flush = (name: string) => noting(flushed, name);
    await writeBeforeCommit(manager, 'a', [1], flush('a'));
    await writeBeforeCommit(manager, 'b', [2], flush('b'));
    await writePendingNow(manager, 'a');
    await writePendingNow(manager, 'missing');
    expect(flushed).toEqual(['a:1']);
    await writeBeforeCommit(manager, 'a', [3], flush('a'));
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(flushed).toEqual(['a:1', 'b:2', 'a:3']);
  });

  it('writes at once outside a transaction or without the subscriber', async () => {
    const written: number[][] = [];
    const flush = (_db: Queryable, items: readonly number[]): Promise<void> => {
      written.push([...items]);
      return Promise.resolve();
    };
    const outside = { queryRunner: { isTransactionActive: false, data: {} }, connection: { subscribers: [new DeferredWrites()] } } as unknown as EntityManager;
    await writeBeforeCommit(outside, 'k', [1], flush);
    await writeBeforeCommit(transaction([]).manager, 'k', [2], flush);
    expect(written).toEqual([[1], [2]]);
  });
});

describe('reads remembered for a transaction', () => {
  it('loads once per key within a transaction, again after a write forgot it or the transaction ended', async () => {
    const writes = new DeferredWrites();
    const { runner, manager } = transaction([writes]);
    let loads = 0;
    const load = (): Promise<number> => Promise.resolve(++loads);
    expect(await memoInTransaction(manager, 'q:t1', load)).toBe(1);
    expect(await memoInTransaction(manager, 'q:t1', load)).toBe(1);
    expect(await memoInTransaction(manager, 'q:t2', load)).toBe(2);
    forgetInTransaction(manager, 'q:t1');
    expect(await memoInTransaction(manager, 'q:t1', load)).toBe(3);
    expect(await memoInTransaction(manager, 'q:t2', load)).toBe(2);

    (runner as { isTransactionActive: boolean }).isTransactionActive = false;
    writes.afterTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    (runner as { isTransactionActive: boolean }).isTransactionActive = true;
    expect(await memoInTransaction(manager, 'q:t2', load)).toBe(4);
  });

  it('does not remember a failed read, nor anything outside a transaction', async () => {
    const { manager } = transaction([new DeferredWrites()]);
    let calls = 0;
    const failing = (): Promise<number> => (++calls === 1 ? Promise.reject(new Error('connection lost')) : Promise.resolve(calls));
    await expect(memoInTransaction(manager, 'k', failing)).rejects.toThrow('connection lost');
    expect(await memoInTransaction(manager, 'k', failing)).toBe(2);

    const outside = { queryRunner: undefined, connection: { subscribers: [new DeferredWrites()] } } as unknown as EntityManager;
    let loads = 0;
    await memoInTransaction(outside, 'k', () => Promise.resolve(++loads));
    await memoInTransaction(outside, 'k', () => Promise.resolve(++loads));
    expect(loads).toBe(2);
  });
});
