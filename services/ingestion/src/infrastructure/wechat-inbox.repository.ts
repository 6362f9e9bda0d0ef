import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Channel } from '@helpdesk/contracts';

export interface WeChatInboxEntry {
  id: string;
  tenantId: string;
  accountId: string;
  dedupKey: string;
  xml: string;
  encrypted: boolean;
  attempts: number;
}

interface InboxRow {
  id: string;
  tenant_id: string;
  account_id: string;
  dedup_key: string;
  xml: string;
  encrypted: boolean;
  attempts: number;
}

const toEntry = (r: InboxRow): WeChatInboxEntry => ({
  id: r.id,
  tenantId: r.tenant_id,
  accountId: r.account_id,
  dedupKey: r.dedup_key,
  xml: r.xml,
  encrypted: r.encrypted,
  attempts: r.attempts,
});

/** Verified WeChat pushes, stored before `success` is answered, and the account events they carry. */
@Injectable()
export class WeChatInboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a push once per dedup key; null when WeChat is retrying one already stored. */
  async insert(e: {
    tenantId: string;
    accountId: string;
    dedupKey: string;
    msgType: string;
    xml: string;
    encrypted: boolean;
  }): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO "ingestion"."wechat_inbox" ("id", "tenant_id", "account_id", "dedup_key", "msg_type", "xml", "encrypted")
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ("tenant_id", "account_id", "dedup_key") DO NOTHING RETURNING "id"`,
      [
        randomUUID(),
        e.tenantId,
        e.accountId,
        e.dedupKey.slice(0, 300),
        e.msgType.slice(0, 40),
        e.xml,
        e.encrypted,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** Locks one pending entry for processing; null when done already or another worker holds it. */
  async claim(manager: EntityManager, tenantId: string, id: string): Promise<WeChatInboxEntry | null> {
    const rows: InboxRow[] = await manager.query(
      `SELECT * FROM "ingestion"."wechat_inbox" WHERE "tenant_id" = $1 AND "id" = $2 AND "status" = 'pending' FOR UPDATE SKIP LOCKED`,
      [tenantId, id],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /** Pending entries whose time has come (left over by a crash, or waiting for a retry). */
  async due(limit: number): Promise<Array<{ tenantId: string; id: string }>> {
    const rows: Array<{ tenant_id: string; id: string }> = await this.dataSource.query(
      `SELECT "tenant_id", "id" FROM "ingestion"."wechat_inbox" WHERE "status" = 'pending' AND "next_attempt_at" <= now()
       ORDER BY "next_attempt_at" LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id }));
  }

  async markProcessed(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await manager.query(
      `UPDATE "ingestion"."wechat_inbox" SET "status" = 'processed', "processed_at" = now(), "attempts" = "attempts" + 1, "last_error" = NULL
       WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id],
    );
  }

  /** A failed attempt: pending again at `retryAt`, or failed for good when null. */
  async markFailure(tenantId: string, id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE "ingestion"."wechat_inbox" SET "attempts" = "attempts" + 1, "last_error" = $3,
         "status" = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END, "next_attempt_at" = COALESCE($4::timestamptz, "next_attempt_at")
       WHERE "tenant_id" = $1 AND "id" = $2 AND "status" = 'pending'`,
      [tenantId, id, error.slice(0, 2000), retryAt],
    );
  }

  async status(
    tenantId: string,
    id: string,
  ): Promise<{ status: string; attempts: number; lastError: string | null } | null> {
    const rows: Array<{ status: string; attempts: number; last_error: string | null }> =
      await this.dataSource.query(
        `SELECT "status", "attempts", "last_error" FROM "ingestion"."wechat_inbox" WHERE "tenant_id" = $1 AND "id" = $2`,
        [tenantId, id],
      );
    return rows[0]
      ? { status: rows[0].status, attempts: rows[0].attempts, lastError: rows[0].last_error }
      : null;
  }

  /** Records a channel event once per dedup key; false when it was recorded before. */
  async recordEvent(
    manager: EntityManager,
    e: {
      tenantId: string;
      channel: Channel;
      accountId: string | null;
      customerId: string | null;
      event: string;
      eventKey: string | null;
      dedupKey: string;
      payload: Record<string, unknown>;
      occurredAt: Date;
    },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO "ingestion"."channel_events" ("id", "tenant_id", "channel", "account_id", "customer_id", "event", "event_key", "dedup_key", "payload", "occurred_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) ON CONFLICT ("tenant_id", "channel", "dedup_key") DO NOTHING RETURNING "id"`,
      [
        randomUUID(),
        e.tenantId,
        e.channel,
        e.accountId,
        e.customerId,
        e.event,
        e.eventKey?.slice(0, 500) ?? null,
        e.dedupKey.slice(0, 300),
        JSON.stringify(e.payload),
        e.occurredAt,
      ],
    );
    return rows.length > 0;
  }
}
