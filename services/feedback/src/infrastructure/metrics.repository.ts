import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { bindStatement, writeBeforeCommit, type BindParameter, type DeferredStatements } from '@helpdesk/persistence';
import type { EventEnvelope } from '@helpdesk/contracts';
import { entrySpan, type LedgerEntry, type ReadEvent, type TicketLedger } from '../domain';

/**
 * The metrics read model: the raw event log and, per ticket, the ledger of entries keyed by event
 * id. Appending merges one entry into the ledger atomically in SQL (existing keys win), so the
 * live consumer and a rebuild may write the same ticket at the same time without losing entries.
 */
@Injectable()
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inside a transaction the entries are written with every other entry of it, two statements just
   * before it commits (a consumer's chunk of events is then two statements, not two per event).
   */
  async append(manager: EntityManager, read: ReadEvent, envelope: EventEnvelope): Promise<void> {
    const span = entrySpan(read.entry);
    const row: MetricsRow = {
      eventId: envelope.id,
      tenantId: read.tenantId,
      ticketId: read.ticketId,
      type: envelope.type,
      occurredAt: envelope.occurredAt,
      envelope: JSON.stringify(envelope),
      ledgerEventId: read.eventId,
      entry: read.entry,
      startMs: span.startMs,
      endMs: span.endMs,
    };
    await writeBeforeCommit(manager, 'feedback.metrics', [row], writeMetricsRows);
  }

  /** Ledgers of the tickets that can count in [from, to): some entry or deadline inside it. */
  async ledgersOverlapping(tenantId: string, from: Date, to: Date): Promise<TicketLedger[]> {
    const rows: Array<{ ticket_id: string; entries: Record<string, LedgerEntry> }> =
      await this.dataSource.query(
        `SELECT "ticket_id", "entries" FROM "feedback"."metrics_ticket_ledgers"
       WHERE "tenant_id" = $1 AND "span_end" >= $2 AND "span_start" < $3`,
        [tenantId, from, to],
      );
    return rows.map((row) => ({ tenantId, ticketId: row.ticket_id, entries: row.entries }));
  }

  /** Empties the read model of one tenant, or of every tenant, before it is rebuilt from the topics. */
  async clear(manager: EntityManager, tenantId: string | null): Promise<void> {
    if (tenantId === null) {
      await manager.query(`TRUNCATE "feedback"."metrics_ticket_ledgers", "feedback"."ticket_event_log"`);
      return;
    }
    await manager.query(`DELETE FROM "feedback"."metrics_ticket_ledgers" WHERE "tenant_id" = $1`, [tenantId]);
    await manager.query(`DELETE FROM "feedback"."ticket_event_log" WHERE "tenant_id" = $1`, [tenantId]);
  }

  async counts(tenantId: string): Promise<{ tickets: number; events: number }> {
    const rows: Array<{ tickets: string; events: string }> = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM "feedback"."metrics_ticket_ledgers" WHERE "tenant_id" = $1) AS "tickets",
              (SELECT count(*) FROM "feedback"."ticket_event_log" WHERE "tenant_id" = $1) AS "events"`,
      [tenantId],
    );
    return { tickets: Number(rows[0]?.tickets ?? 0), events: Number(rows[0]?.events ?? 0) };
  }
}

interface MetricsRow {
  eventId: string;
  tenantId: string;
  ticketId: string;
  type: string;
  occurredAt: string;
  envelope: string;
  ledgerEventId: string;
  entry: LedgerEntry;
  startMs: number;
  endMs: number;
}

/** The event log rows, and one merged ledger row per ticket (one upsert may not touch a row twice). */
function metricsStatements(rows: readonly MetricsRow[], bind: BindParameter): string[] {
  const log = bindStatement(
    `INSERT INTO "feedback"."ticket_event_log" ("event_id", "tenant_id", "ticket_id", "type", "occurred_at", "envelope")
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::varchar[], $5::timestamptz[], $6::jsonb[])
     ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.eventId), rows.map((r) => r.tenantId), rows.map((r) => r.ticketId), rows.map((r) => r.type), rows.map((r) => r.occurredAt), rows.map((r) => r.envelope)],
    bind,
  );
  const ledgers = new Map<string, { tenantId: string; ticketId: string; entries: Record<string, LedgerEntry>; startMs: number; endMs: number }>();
  for (const r of rows) {
    const key = `${r.tenantId}\u0000${r.ticketId}`;
    const ledger = ledgers.get(key) ?? { tenantId: r.tenantId, ticketId: r.ticketId, entries: {}, startMs: r.startMs, endMs: r.endMs };
    // As when appended one by one: an entry already there wins.
    if (!(r.ledgerEventId in ledger.entries)) ledger.entries[r.ledgerEventId] = r.entry;
    ledger.startMs = Math.min(ledger.startMs, r.startMs);
    ledger.endMs = Math.max(ledger.endMs, r.endMs);
    ledgers.set(key, ledger);
  }
  const merged = [...ledgers.values()];
  const ledger = bindStatement(
    `INSERT INTO "feedback"."metrics_ticket_ledgers" ("tenant_id", "ticket_id", "entries", "span_start", "span_end")
     SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::jsonb[], $4::timestamptz[], $5::timestamptz[])
     ON CONFLICT ON CONSTRAINT "pk_metrics_ticket_ledgers" DO UPDATE
       SET "entries" = EXCLUDED."entries" || "metrics_ticket_ledgers"."entries",
           "span_start" = LEAST("metrics_ticket_ledgers"."span_start", EXCLUDED."span_start"),
           "span_end" = GREATEST("metrics_ticket_ledgers"."span_end", EXCLUDED."span_end"),
           "updated_at" = now()`,
    [
      merged.map((l) => l.tenantId),
      merged.map((l) => l.ticketId),
      merged.map((l) => JSON.stringify(l.entries)),
      merged.map((l) => new Date(l.startMs)),
      merged.map((l) => new Date(l.endMs)),
    ],
    bind,
  );
  return [log, ledger];
}

const writeMetricsRows: DeferredStatements<MetricsRow> = { statements: metricsStatements };
