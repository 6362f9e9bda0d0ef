import { superuserClient, type InfraSettings } from './stack';

export interface StatementRow {
  readonly calls: number;
  readonly totalMs: number;
  readonly query: string;
}

export interface StatementCensus {
  readonly statements: number;
  readonly executionMs: number;
  /** The most frequent statements, whitespace collapsed. */
  readonly top: readonly StatementRow[];
}

export type CensusStart = { readonly available: true } | { readonly available: false; readonly reason: string };

/** Counters of the whole database from `pg_stat_database`, readable on any server the superuser reaches. */
export interface DatabaseCounters {
  readonly transactions: number;
  readonly rollbacks: number;
  readonly deadlocks: number;
}

/**
 * What the load phases cost the database in failed work: a deadlock stalls both transactions for
 * `deadlock_timeout` and makes a consumer redo its chunk event by event, so the count belongs next to
 * the throughput figures. Rollbacks also count refused requests and chunks retried one by one.
 */
export async function databaseCounters(infra: InfraSettings): Promise<DatabaseCounters> {
  const client = superuserClient(infra);
  await client.connect();
  try {
    return await countersOf(client);
  } finally {
    await client.end();
  }
}

export function countersBetween(before: DatabaseCounters, after: DatabaseCounters): DatabaseCounters {
  return {
    transactions: after.transactions - before.transactions,
    rollbacks: after.rollbacks - before.rollbacks,
    deadlocks: after.deadlocks - before.deadlocks,
  };
}

/**
 * Counts the database work of the load phases with `pg_stat_statements` (loaded on the bench's own
 * PostgreSQL): statements and transactions per accepted message are what the pipeline's round trips
 * cost, and the most frequent statements say where to cut them.
 */
export async function startCensus(infra: InfraSettings): Promise<CensusStart> {
  const client = superuserClient(infra);
  await client.connect();
  try {
    const loaded = await client.query<{ loaded: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'shared_preload_libraries' AND setting LIKE '%pg_stat_statements%') AS loaded`,
    );
    if (!loaded.rows[0]?.loaded) return { available: false, reason: 'pg_stat_statements is not in shared_preload_libraries of this PostgreSQL' };
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
    return { available: true };
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.end();
  }
}

export async function finishCensus(infra: InfraSettings, start: CensusStart, topN = 15): Promise<StatementCensus | { error: string }> {
  if (!start.available) return { error: start.reason };
  const client = superuserClient(infra);
  await client.connect();
  try {
    const rows = await client.query<{ calls: string; total_ms: number; query: string }>(
      `SELECT s."calls"::text AS calls, s."total_exec_time" AS total_ms, s."query"
         FROM pg_stat_statements s JOIN pg_database d ON d."oid" = s."dbid"
        WHERE d."datname" = current_database()
        ORDER BY s."calls" DESC`,
    );
    const all = rows.rows.map((r) => ({ calls: Number(r.calls), totalMs: Number(r.total_ms), query: r.query.replace(/\s+/g, ' ').trim() }));
    return {
      statements: all.reduce((n, r) => n + r.calls, 0),
      executionMs: Math.round(all.reduce((n, r) => n + r.totalMs, 0)),
      top: all.slice(0, topN),
    };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.end();
  }
}

async function countersOf(client: ReturnType<typeof superuserClient>): Promise<DatabaseCounters> {
  const r = await client.query<{ commits: string; rollbacks: string; deadlocks: string }>(
    `SELECT "xact_commit"::text AS commits, "xact_rollback"::text AS rollbacks, "deadlocks"::text AS deadlocks
       FROM pg_stat_database WHERE "datname" = current_database()`,
  );
  const row = r.rows[0];
  const rollbacks = Number(row?.rollbacks ?? 0);
  return { transactions: Number(row?.commits ?? 0) + rollbacks, rollbacks, deadlocks: Number(row?.deadlocks ?? 0) };
}
