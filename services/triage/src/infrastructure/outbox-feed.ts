import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One outbox row as a feed sees it: every row advances the position, only the caller's carry an event. */
export interface FeedRow {
  seq: number;
  /** Null for rows of other tenants or topics (their contents are not read). */
  event: { id: string; type: string; aggregateId: string; occurredAt: string; payload: unknown } | null;
}

/**
 * Delivers outbox rows in sequence order without skipping one that commits late: sequence numbers are
 * taken at insert, so a lower one can become visible after a higher one. A gap is waited for up to
 * `graceMs` (an in-flight transaction), then passed (a rolled-back one, or rows already pruned).
 */
export class OutboxFeedCursor {
  private gap: { start: number; seenAt: number } | null = null;

  constructor(
    public position: number,
    private readonly graceMs = 2000,
  ) {}

  /** The rows (sorted by seq, all after `position`) that can be delivered now; advances the position past them. */
  advance<T extends { seq: number }>(rows: readonly T[], nowMs: number): T[] {
    const out: T[] = [];
    for (const row of rows) {
      if (row.seq <= this.position) continue;
      if (row.seq > this.position + 1) {
        const start = this.position + 1;
        if (this.gap?.start !== start) this.gap = { start, seenAt: nowMs };
        if (nowMs - this.gap.seenAt < this.graceMs) return out;
      }
      this.gap = null;
      out.push(row);
      this.position = row.seq;
    }
    return out;
  }
}

/** Reads triage's outbox as an ordered feed of one tenant's events on one topic (WatchTickets). */
@Injectable()
export class OutboxFeedRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest sequence number: a watch that starts now begins after it. */
  async head(): Promise<number> {
    const rows: Array<{ seq: string | null }> = await this.dataSource.query(
      `SELECT MAX("seq") AS "seq" FROM "triage"."outbox"`,
    );
    return Number(rows[0]?.seq ?? 0);
  }

  async readAfter(
    position: number,
    tenantId: string,
    topic: string,
    types: readonly string[],
    limit: number,
  ): Promise<FeedRow[]> {
    const rows: Array<{
      seq: string;
      mine: boolean;
      envelope: {
        id: string;
        type: string;
        aggregateId: string;
        occurredAt: string;
        payload: unknown;
      } | null;
    }> = await this.dataSource.query(
      `SELECT "seq", ("tenant_id" = $2 AND "topic" = $3 AND (cardinality($4::text[]) = 0 OR "event_type" = ANY($4::text[]))) AS "mine",
                CASE WHEN "tenant_id" = $2 AND "topic" = $3 THEN "envelope" END AS "envelope"
         FROM "triage"."outbox" WHERE "seq" > $1 ORDER BY "seq" LIMIT $5`,
      [position, tenantId, topic, [...types], limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      event:
        r.mine && r.envelope
          ? {
              id: r.envelope.id,
              type: r.envelope.type,
              aggregateId: r.envelope.aggregateId,
              occurredAt: r.envelope.occurredAt,
              payload: r.envelope.payload,
            }
          : null,
    }));
  }
}
