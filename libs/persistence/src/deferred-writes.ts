import type {
  EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, TransactionStartEvent,
} from 'typeorm';

/** What a deferred write runs its statements on: the transaction's own connection. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Writes everything deferred under one key with as few statements as it can. */
export type DeferredFlush<T> = (runner: Queryable, items: readonly T[]) => Promise<void>;

/** Names a parameter of a statement being built (`$1`, `$2`, …). */
export type BindParameter = (value: unknown) => string;

/**
 * Everything deferred under one key as data-modifying statements that return nothing the caller
 * needs (INSERT, UPDATE, upsert; no data-modifying WITH of their own). At the commit the statements
 * of every such key go out together as one statement, each a WITH query of it: one round trip
 * where a transaction with outbox rows, timeline entries and a projection paid three. Their rows
 * must not overlap (the parts of one statement see the same snapshot, not one another's writes);
 * foreign keys between them hold, being checked at the statement's end.
 */
export interface DeferredStatements<T> {
  statements(items: readonly T[], bind: BindParameter): readonly string[];
}

type Flush<T> = DeferredFlush<T> | DeferredStatements<T>;

interface PendingWrite {
  flush: Flush<unknown>;
  items: unknown[];
}

const PENDING = 'helpdesk.deferred-writes';

/**
 * Write-only rows a transaction produces one at a time (outbox events, queued webhook deliveries,
 * projections) are written once, just before it commits: a consumer's chunk of fifty events then
 * costs one multi-row statement per kind of row instead of fifty, and the kinds given as
 * `DeferredStatements` share one statement. Rows of a rolled-back level are
 * dropped with it. A read of such rows inside the same transaction calls `writePendingNow` first.
 */
export class DeferredWrites implements EntitySubscriberInterface {
  /**
   * A savepoint about to open: what is pending belongs to the level outside it, which the
   * savepoint's rollback must not drop. (Before the outermost start nothing is pending.)
   */
  async beforeTransactionStart(event: TransactionStartEvent): Promise<void> {
    await flushDeferred(event.queryRunner);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    await flushDeferred(event.queryRunner);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!event.queryRunner.isTransactionActive) (event.queryRunner.data as Record<string, unknown>)[MEMO] = undefined;
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const data = event.queryRunner.data as Record<string, unknown>;
    // Pending writes are always the innermost level's (flushed when a savepoint opens): rolled back with it.
    data[PENDING] = undefined;
    data[MEMO] = undefined;
  }
}

const MEMO = 'helpdesk.transaction-memo';

/**
 * Reads settings (queues, SLA policies, calendars) once per transaction: a consumer's chunk of fifty
 * new tickets of one tenant asked for the same rows fifty times. Within one transaction the answer
 * is what a read at its first use saw; a write through the same transaction must call
 * `forgetInTransaction` for its keys. Without a transaction (or `DeferredWrites`) it just loads.
 */
export function memoInTransaction<T>(manager: EntityManager, key: string, load: () => Promise<T>): Promise<T> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive || !manager.connection.subscribers.some((s) => s instanceof DeferredWrites)) return load();
  const data = runner.data as Record<string, unknown>;
  const memo = (data[MEMO] as Map<string, Promise<unknown>> | undefined) ?? new Map<string, Promise<unknown>>();
  data[MEMO] = memo;
  const known = memo.get(key) as Promise<T> | undefined;
  if (known) return known;
  const loading = load();
  memo.set(key, loading);
  // A failed read is not remembered: the next use asks again.
  loading.catch(() => memo.delete(key));
  return loading;
}

/** Forgets what this transaction remembered under keys starting with `prefix`. */
export function forgetInTransaction(manager: EntityManager, prefix: string): void {
  const memo = manager.queryRunner?.data?.[MEMO] as Map<string, Promise<unknown>> | undefined;
  if (!memo) return;
  for (const key of [...memo.keys()]) if (key.startsWith(prefix)) memo.delete(key);
}

/**
 * Has `flush` write `items` just before the manager's transaction commits, with every other item
 * deferred under the same key (their flush is the first one given). Outside a transaction, or on a
 * data source without `DeferredWrites`, writes them at once.
 */
export async function writeBeforeCommit<T>(manager: EntityManager, key: string, items: readonly T[], flush: Flush<T>): Promise<void> {
  if (!deferWrite(manager, key, items, flush)) await runFlushes(manager, [{ flush: flush as Flush<unknown>, items: [...items] }]);
}

/**
 * The statements of several keys as one: a single statement as it is, more as WITH queries of a
 * `SELECT` (PostgreSQL runs every data-modifying WITH query to completion, read or not).
 */
export function combineStatements(writes: ReadonlyArray<{ flush: DeferredStatements<unknown>; items: readonly unknown[] }>): BuiltStatement | undefined {
  let count = 0;
  const built = buildStatement((bind) => {
    const statements = writes.flatMap((w) => (w.items.length === 0 ? [] : w.flush.statements(w.items, bind)));
    count = statements.length;
    return statements.length === 1 ? statements[0] : `WITH ${statements.map((sql, i) => `"w${i}" AS (${sql})`).join(', ')} SELECT ${statements.length}`;
  });
  return count === 0 ? undefined : built;
}

export interface BuiltStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * A statement written with its own `$1`…`$n` (no `$` in its literals), its parameters bound into the
 * statement being built.
 */
export function bindStatement(sql: string, parameters: readonly unknown[], bind: BindParameter): string {
  const names = parameters.map((value) => bind(value));
  return sql.replace(/\$(\d+)/g, (placeholder, n: string) => {
    const name = names[Number(n) - 1];
    if (name === undefined) throw new Error(`${placeholder} has no parameter (${parameters.length} given)`);
    return name;
  });
}

/** A statement whose parameters are numbered as `build` binds them. */
export function buildStatement(build: (bind: BindParameter) => string): BuiltStatement {
  const parameters: unknown[] = [];
  const sql = build((value) => `$${parameters.push(value)}`);
  return { sql, parameters };
}

const isStatements = (flush: Flush<unknown>): flush is DeferredStatements<unknown> => typeof flush !== 'function';

/** Statement keys first, all in one statement; then each function key in its turn. */
async function runFlushes(runner: Queryable, writes: readonly PendingWrite[]): Promise<void> {
  const combined = combineStatements(
    writes.flatMap((w) => (isStatements(w.flush) ? [{ flush: w.flush, items: w.items }] : [])),
  );
  if (combined) await runner.query(combined.sql, combined.parameters);
  for (const w of writes) if (!isStatements(w.flush)) await w.flush(runner, w.items);
}

/**
 * Writes what is pending under `key` now, for a read of those rows inside the same transaction
 * (another event of the same chunk asking for a row an earlier one deferred).
 */
export async function writePendingNow(manager: EntityManager, key: string): Promise<void> {
  const runner = manager.queryRunner;
  const pending = runner?.data?.[PENDING] as Map<string, PendingWrite> | undefined;
  const write = pending?.get(key);
  if (!runner || !pending || !write) return;
  pending.delete(key);
  await runFlushes(runner, [write]);
}

/** Queues the items; false when the manager's transaction cannot defer them. */
function deferWrite<T>(manager: EntityManager, key: string, items: readonly T[], flush: Flush<T>): boolean {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive || !manager.connection.subscribers.some((s) => s instanceof DeferredWrites)) return false;
  const data = runner.data as Record<string, unknown>;
  const pending = (data[PENDING] as Map<string, PendingWrite> | undefined) ?? new Map<string, PendingWrite>();
  data[PENDING] = pending;
  const write = pending.get(key) ?? { flush: flush as Flush<unknown>, items: [] };
  write.items.push(...items);
  pending.set(key, write);
  return true;
}

async function flushDeferred(runner: QueryRunner): Promise<void> {
  const data = runner.data as Record<string, unknown>;
  const pending = data[PENDING] as Map<string, PendingWrite> | undefined;
  if (!pending || pending.size === 0) return;
  data[PENDING] = undefined;
  await runFlushes(runner, [...pending.values()]);
}
