import type {
  EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, TransactionStartEvent,
} from 'typeorm';

/** What a deferred write runs its statements on: the transaction's own connection. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Writes everything deferred under one key with as few statements as it can. */
export type DeferredFlush<T> = (runner: Queryable, items: readonly T[]) => Promise<void>;

interface PendingWrite {
  flush: DeferredFlush<unknown>;
  items: unknown[];
}

const PENDING = 'helpdesk.deferred-writes';

/**
 * Write-only rows a transaction produces one at a time (outbox events, queued webhook deliveries,
 * projections) are written once, just before it commits: a consumer's chunk of fifty events then
 * costs one multi-row statement per kind of row instead of fifty. Rows of a rolled-back level are
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
export async function writeBeforeCommit<T>(manager: EntityManager, key: string, items: readonly T[], flush: DeferredFlush<T>): Promise<void> {
  if (!deferWrite(manager, key, items, flush)) await flush(manager, items);
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
  await write.flush(runner, write.items);
}

/** Queues the items; false when the manager's transaction cannot defer them. */
function deferWrite<T>(manager: EntityManager, key: string, items: readonly T[], flush: DeferredFlush<T>): boolean {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive || !manager.connection.subscribers.some((s) => s instanceof DeferredWrites)) return false;
  const data = runner.data as Record<string, unknown>;
  const pending = (data[PENDING] as Map<string, PendingWrite> | undefined) ?? new Map<string, PendingWrite>();
  data[PENDING] = pending;
  const write = pending.get(key) ?? { flush: flush as DeferredFlush<unknown>, items: [] };
  write.items.push(...items);
  pending.set(key, write);
  return true;
}

async function flushDeferred(runner: QueryRunner): Promise<void> {
  const data = runner.data as Record<string, unknown>;
  const pending = data[PENDING] as Map<string, PendingWrite> | undefined;
  if (!pending || pending.size === 0) return;
  data[PENDING] = undefined;
  for (const write of pending.values()) await write.flush(runner, write.items);
}
