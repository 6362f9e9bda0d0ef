import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { updateReturning, type CursorPosition } from '@helpdesk/persistence';
import type { WebhookSubscription } from '../../domain/webhooks/webhook-subscription';

interface SubscriptionRow {
  id: string;
  tenant_id: string;
  url: string;
  event_types: string[];
  description: string | null;
  secret: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A subscription with its sealed secret: only the delivery path opens it. */
export interface StoredWebhookSubscription extends WebhookSubscription {
  sealedSecret: string;
}

const toSubscription = (r: SubscriptionRow): StoredWebhookSubscription => ({
  id: r.id,
  tenantId: r.tenant_id,
  url: r.url,
  eventTypes: r.event_types,
  description: r.description,
  active: r.active,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  sealedSecret: r.secret,
});

export interface SubscriptionFields {
  url: string;
  eventTypes: string[];
  description: string | null;
  active: boolean;
}

const S = '"ingestion"."webhook_subscriptions"';

/** CRM webhook subscriptions; every query is scoped by tenant. */
@Injectable()
export class WebhookSubscriptionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    subscription: SubscriptionFields & { id: string; tenantId: string; sealedSecret: string },
  ): Promise<StoredWebhookSubscription> {
    const rows: SubscriptionRow[] = await manager.query(
      `INSERT INTO ${S} ("id", "tenant_id", "url", "event_types", "description", "secret", "active")
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        subscription.id,
        subscription.tenantId,
        subscription.url,
        subscription.eventTypes,
        subscription.description,
        subscription.sealedSecret,
        subscription.active,
      ],
    );
    return toSubscription(rows[0]);
  }

  async count(manager: EntityManager, tenantId: string): Promise<number> {
    const rows: Array<{ n: string }> = await manager.query(`SELECT count(*) AS "n" FROM ${S} WHERE "tenant_id" = $1`, [
      tenantId,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Those of the tenants with an active subscription: only their events can become deliveries. */
  async tenantsSubscribed(tenantIds: readonly string[]): Promise<Set<string>> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT "tenant_id" FROM ${S} WHERE "tenant_id" = ANY($1::varchar[]) AND "active"`,
      [tenantIds],
    );
    return new Set(rows.map((r) => r.tenant_id));
  }

  /** Oldest first, keyset-paged by (created_at, id). */
  async list(tenantId: string, limit: number, after: CursorPosition | null): Promise<StoredWebhookSubscription[]> {
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `SELECT * FROM ${S} WHERE "tenant_id" = $1
         AND ($2::timestamptz IS NULL OR ("created_at", "id") > ($2::timestamptz, $3::uuid))
       ORDER BY "created_at", "id" LIMIT $4`,
      [tenantId, after?.at ?? null, after?.id ?? null, limit],
    );
    return rows.map(toSubscription);
  }

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredWebhookSubscription | null> {
    const rows: SubscriptionRow[] = await manager.query(`SELECT * FROM ${S} WHERE "tenant_id" = $1 AND "id" = $2`, [
      tenantId,
      id,
    ]);
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  async update(
    manager: EntityManager,
    tenantId: string,
    id: string,
    fields: SubscriptionFields & { sealedSecret?: string },
  ): Promise<StoredWebhookSubscription | null> {
    const rows = await updateReturning<SubscriptionRow>(
      manager,
      `UPDATE ${S} SET "url" = $3, "event_types" = $4, "description" = $5, "active" = $6,
         "secret" = COALESCE($7, "secret"), "updated_at" = date_trunc('milliseconds', now())
       WHERE "tenant_id" = $1 AND "id" = $2 RETURNING *`,
      [tenantId, id, fields.url, fields.eventTypes, fields.description, fields.active, fields.sealedSecret ?? null],
    );
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  /** Deletes the subscription with its queue and history; false when there was none. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const rows = await updateReturning<{ id: string }>(
      this.dataSource.manager,
      `DELETE FROM ${S} WHERE "tenant_id" = $1 AND "id" = $2 RETURNING "id"`,
      [tenantId, id],
    );
    return rows.length > 0;
  }
}
