import type { EntityManager, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, TransactionStartEvent } from 'typeorm';
import {
  DeferredWrites, bindStatement, buildStatement, combineStatements, forgetInTransaction, writeBeforeCommit, writePendingNow, memoInTransaction, type DeferredStatements, type Queryable,
} from './deferred-writes';

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

/** Rows of `table` as one INSERT over an array parameter. */
const insertInto = (table: string): DeferredStatements<number> => ({
  statements: (items, bind) => [`INSERT INTO ${table} (n) SELECT * FROM unnest(${bind(items)}::int[])`],
});

/** A transaction whose connection notes every statement it is sent. */
function recordingTransaction(): { runner: QueryRunner; manager: EntityManager; writes: DeferredWrites; sent: Array<{ sql: string; parameters: unknown[] }> } {
  const writes = new DeferredWrites();
  const { runner, manager } = transaction([writes]);
  const sent: Array<{ sql: string; parameters: unknown[] }> = [];
  (runner as unknown as Queryable).query = (sql: string, parameters: unknown[] = []) => {
    sent.push({ sql, parameters });
    return Promise.resolve([]);
  };
  return { runner, manager, writes, sent };
}

describe('deferred statements of several keys', () => {
  it('go out as one statement at the commit, each key a WITH query with its own parameters', async () => {
    const { runner, manager, writes, sent } = recordingTransaction();
    const functionFlushed: string[] = [];
    await writeBeforeCommit(manager, 'a', [1, 2], insertInto('a'));
    await writeBeforeCommit(manager, 'fn', [9], noting(functionFlushed, 'fn'));
    await writeBeforeCommit(manager, 'b', [3], insertInto('b'));
    await writeBeforeCommit(manager, 'a', [4], insertInto('a'));
    expect(sent).toEqual([]);
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(sent).toEqual([
      {
        sql: 'WITH "w0" AS (INSERT INTO a (n) SELECT * FROM unnest($1::int[])), "w1" AS (INSERT INTO b (n) SELECT * FROM unnest($2::int[])) SELECT 2',
        parameters: [[1, 2, 4], [3]],
      },
    ]);
    expect(functionFlushed).toEqual(['fn:9']);
  });

  it('send a single statement as it is, and nothing when no key has items', () => {
    expect(combineStatements([{ flush: insertInto('a'), items: [7] }])).toEqual({ sql: 'INSERT INTO a (n) SELECT * FROM unnest($1::int[])', parameters: [[7]] });
    expect(combineStatements([{ flush: insertInto('a'), items: [] }])).toBeUndefined();
    const two: DeferredStatements<number> = { statements: (items, bind) => [`UPDATE x SET n = ${bind(items[0])}`, `UPDATE y SET n = ${bind(items[0])}`] };
    expect(combineStatements([{ flush: two, items: [5] }])).toEqual({
      sql: 'WITH "w0" AS (UPDATE x SET n = $1), "w1" AS (UPDATE y SET n = $2) SELECT 2',
      parameters: [5, 5],
    });
  });

  it('renumber a statement written with its own parameters into the one being built', () => {
    const built = buildStatement((bind) => `SELECT ${bind('x')}; ${bindStatement('UPDATE t SET a = $2, b = $10 WHERE c = $1 AND d = $2', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], bind)}`);
    expect(built.sql).toBe('SELECT $1; UPDATE t SET a = $3, b = $11 WHERE c = $2 AND d = $3');
    expect(built.parameters).toEqual(['x', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(() => buildStatement((bind) => bindStatement('SELECT $2', [1], bind))).toThrow('$2 has no parameter (1 given)');
  });

  it('write one key alone for a read in the transaction, and at once outside a transaction', async () => {
    const { runner, manager, writes, sent } = recordingTransaction();
    await writeBeforeCommit(manager, 'a', [1], insertInto('a'));
    await writeBeforeCommit(manager, 'b', [2], insertInto('b'));
    await writePendingNow(manager, 'a');
    expect(sent.map((s) => s.sql)).toEqual(['INSERT INTO a (n) SELECT * FROM unnest($1::int[])']);
    await writes.beforeTransactionCommit({ queryRunner: runner } as TransactionCommitEvent);
    expect(sent.map((s) => s.parameters)).toEqual([[[1]], [[2]]]);

    const outside: Array<{ sql: string; parameters: unknown[] }> = [];
    const direct = {
      queryRunner: undefined,
      connection: { subscribers: [writes] },
      query: (sql: string, parameters: unknown[]) => {
        outside.push({ sql, parameters });
        return Promise.resolve([]);
      },
    } as unknown as EntityManager;
    await writeBeforeCommit(direct, 'a', [3], insertInto('a'));
    expect(outside).toEqual([{ sql: 'INSERT INTO a (n) SELECT * FROM unnest($1::int[])', parameters: [[3]] }]);
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
