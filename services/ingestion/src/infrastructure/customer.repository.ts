import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Channel, CustomerTier } from '@helpdesk/contracts';
import type { CustomerIdentity } from '../domain/customer-identity';
import { updateReturning } from '@helpdesk/persistence';

export interface CustomerRecord {
  id: string;
  tenantId: string;
  name: string | null;
  tier: CustomerTier;
  externalId: string | null;
  mergedInto: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationOverview {
  id: string;
  channel: Channel;
  subject: string | null;
  status: string;
  lastMessageAt: string;
  lastMessageChannel: Channel | null;
  messageCount: number;
  createdAt: string;
}

interface CustomerRow {
  id: string;
  tenant_id: string;
  name: string | null;
  tier: CustomerTier;
  external_id: string | null;
  merged_into: string | null;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: CustomerRow): CustomerRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  tier: r.tier,
  externalId: r.external_id,
  mergedInto: r.merged_into,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The unified customer view and merges; every query is scoped by tenant. */
@Injectable()
export class CustomerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CustomerRecord | null> {
    const rows: CustomerRow[] = await manager.query(
      `SELECT * FROM "ingestion"."customers" WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Locks both customers in id order, so two merges of the same pair cannot interleave. */
  async lockPair(
    manager: EntityManager,
    tenantId: string,
    a: string,
    b: string,
  ): Promise<Map<string, CustomerRecord>> {
    const rows: CustomerRow[] = await manager.query(
      `SELECT * FROM "ingestion"."customers" WHERE "tenant_id" = $1 AND "id" = ANY($2::uuid[]) ORDER BY "id" FOR UPDATE`,
      [tenantId, [a, b]],
    );
    return new Map(rows.map((r) => [r.id, toRecord(r)]));
  }

  /** Follows merged_into to the surviving customer. */
  async resolve(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CustomerRecord | null> {
    let current = await this.find(tenantId, id, manager);
    for (let hops = 0; current?.mergedInto && hops < 10; hops++)
      current = await this.find(tenantId, current.mergedInto, manager);
    return current;
  }

  async findByIdentity(tenantId: string, identity: CustomerIdentity): Promise<CustomerRecord | null> {
    const rows: Array<{ customer_id: string }> = await this.dataSource.query(
      `SELECT "customer_id" FROM "ingestion"."customer_identities" WHERE "tenant_id" = $1 AND "type" = $2 AND "value" = $3`,
      [tenantId, identity.type, identity.value],
    );
    return rows[0] ? this.resolve(tenantId, rows[0].customer_id) : null;
  }

  async identities(
    tenantId: string,
    customerId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CustomerIdentity[]> {
    return manager.query(
      `SELECT "type", "value" FROM "ingestion"."customer_identities" WHERE "tenant_id" = $1 AND "customer_id" = $2 ORDER BY "created_at", "type", "value"`,
      [tenantId, customerId],
    );
  }

  /** Owner of each identity that belongs to someone other than `customerId`. */
  async foreignOwners(
    manager: EntityManager,
    tenantId: string,
    customerId: string,
    identities: readonly CustomerIdentity[],
  ): Promise<Array<CustomerIdentity & { customerId: string }>> {
    const out: Array<CustomerIdentity & { customerId: string }> = [];
    for (const identity of identities) {
      const rows: Array<{ customer_id: string }> = await manager.query(
        `SELECT "customer_id" FROM "ingestion"."customer_identities" WHERE "tenant_id" = $1 AND "type" = $2 AND "value" = $3`,
        [tenantId, identity.type, identity.value],
      );
      if (rows[0] && rows[0].customer_id !== customerId)
        out.push({ ...identity, customerId: rows[0].customer_id });
    }
    return out;
  }

  async conversations(tenantId: string, customerId: string, limit = 100): Promise<ConversationOverview[]> {
    const rows: Array<{
      id: string;
      channel: Channel;
      subject: string | null;
      status: string;
      last_message_at: Date;
      created_at: Date;
      message_count: string;
      last_channel: Channel | null;
    }> = await this.dataSource.query(
      `SELECT c."id", c."channel", c."subject", c."status", c."last_message_at", c."created_at",
         (SELECT count(*) FROM "ingestion"."messages" m WHERE m."tenant_id" = c."tenant_id" AND m."conversation_id" = c."id") AS "message_count",
         (SELECT m."channel" FROM "ingestion"."messages" m WHERE m."tenant_id" = c."tenant_id" AND m."conversation_id" = c."id"
           ORDER BY m."occurred_at" DESC, m."created_at" DESC LIMIT 1) AS "last_channel"
       FROM "ingestion"."conversations" c WHERE c."tenant_id" = $1 AND c."customer_id" = $2
       ORDER BY c."last_message_at" DESC, c."id" LIMIT $3`,
      [tenantId, customerId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      subject: r.subject,
      status: r.status,
      lastMessageAt: r.last_message_at.toISOString(),
      lastMessageChannel: r.last_channel,
      messageCount: Number(r.message_count),
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** Customers merged into this one, directly. */
  async mergedSources(tenantId: string, customerId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT "id" FROM "ingestion"."customers" WHERE "tenant_id" = $1 AND "merged_into" = $2 ORDER BY "updated_at"`,
      [tenantId, customerId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Moves everything of `sourceId` to `targetId` and marks the source merged; returns the moved
   * identities. The caller holds both rows locked.
   */
  async merge(
    manager: EntityManager,
    tenantId: string,
    targetId: string,
    sourceId: string,
  ): Promise<CustomerIdentity[]> {
    const moved = await updateReturning<CustomerIdentity>(
      manager,
      `UPDATE "ingestion"."customer_identities" SET "customer_id" = $2 WHERE "tenant_id" = $1 AND "customer_id" = $3 RETURNING "type", "value"`,
      [tenantId, targetId, sourceId],
    );
    for (const table of ['conversations', 'messages', 'channel_events']) {
      await manager.query(
        `UPDATE "ingestion"."${table}" SET "customer_id" = $2 WHERE "tenant_id" = $1 AND "customer_id" = $3`,
        [tenantId, targetId, sourceId],
      );
    }
    // Customers merged earlier into the source now point at the survivor directly.
    await manager.query(
      `UPDATE "ingestion"."customers" SET "merged_into" = $2, "updated_at" = now() WHERE "tenant_id" = $1 AND "merged_into" = $3`,
      [tenantId, targetId, sourceId],
    );
    await manager.query(
      `UPDATE "ingestion"."customers" SET "merged_into" = $2, "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $3`,
      [tenantId, targetId, sourceId],
    );
    return moved;
  }

  async setProfile(
    manager: EntityManager,
    tenantId: string,
    id: string,
    profile: { name: string | null; tier: CustomerTier; externalId: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE "ingestion"."customers" SET "name" = $3, "tier" = $4, "external_id" = $5, "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id, profile.name, profile.tier, profile.externalId],
    );
  }

  async recordMerge(
    manager: EntityManager,
    m: {
      tenantId: string;
      targetId: string;
      sourceId: string;
      movedIdentities: CustomerIdentity[];
      mergedBy: string | null;
    },
  ): Promise<string> {
    const id = randomUUID();
    await manager.query(
      `INSERT INTO "ingestion"."customer_merges" ("id", "tenant_id", "target_customer_id", "source_customer_id", "moved_identities", "merged_by")
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [id, m.tenantId, m.targetId, m.sourceId, JSON.stringify(m.movedIdentities), m.mergedBy],
    );
    return id;
  }

  async merges(
    tenantId: string,
    targetId: string,
  ): Promise<
    Array<{
      id: string;
      sourceCustomerId: string;
      movedIdentities: CustomerIdentity[];
      mergedBy: string | null;
      mergedAt: string;
    }>
  > {
    const rows: Array<{
      id: string;
      source_customer_id: string;
      moved_identities: CustomerIdentity[];
      merged_by: string | null;
      merged_at: Date;
    }> = await this.dataSource.query(
      `SELECT "id", "source_customer_id", "moved_identities", "merged_by", "merged_at" FROM "ingestion"."customer_merges"
         WHERE "tenant_id" = $1 AND "target_customer_id" = $2 ORDER BY "merged_at"`,
      [tenantId, targetId],
    );
    return rows.map((r) => ({
      id: r.id,
      sourceCustomerId: r.source_customer_id,
      movedIdentities: r.moved_identities,
      mergedBy: r.merged_by,
      mergedAt: r.merged_at.toISOString(),
    }));
  }
}
