import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
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

  async append(manager: EntityManager, read: ReadEvent, envelope: EventEnvelope): Promise<void> {
    const span = entrySpan(read.entry);
    await manager.query(
      `INSERT INTO "feedback"."ticket_event_log" ("event_id", "tenant_id", "ticket_id", "type", "occurred_at", "envelope")
       VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING`,
      [
        envelope.id,
        read.tenantId,
        read.ticketId,
        envelope.type,
        envelope.occurredAt,
        JSON.stringify(envelope),
      ],
    );
    await manager.query(
      `INSERT INTO "feedback"."metrics_ticket_ledgers" ("tenant_id", "ticket_id", "entries", "span_start", "span_end")
       VALUES ($1, $2, $3::jsonb, $4, $5)
       ON CONFLICT ON CONSTRAINT "pk_metrics_ticket_ledgers" DO UPDATE
         SET "entries" = EXCLUDED."entries" || "metrics_ticket_ledgers"."entries",
             "span_start" = LEAST("metrics_ticket_ledgers"."span_start", EXCLUDED."span_start"),
             "span_end" = GREATEST("metrics_ticket_ledgers"."span_end", EXCLUDED."span_end"),
             "updated_at" = now()`,
      [
        read.tenantId,
        read.ticketId,
        JSON.stringify({ [read.eventId]: read.entry }),
        new Date(span.startMs),
        new Date(span.endMs),
      ],
    );
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
