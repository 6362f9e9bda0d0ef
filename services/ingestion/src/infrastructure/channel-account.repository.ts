import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChannelAccount, ChannelAccountKind, SecretReference } from '../domain/channel-account';

interface ChannelAccountRow {
  id: string;
  tenant_id: string;
  channel: ChannelAccountKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, SecretReference>;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const toAccount = (r: ChannelAccountRow): ChannelAccount => ({
  id: r.id,
  tenantId: r.tenant_id,
  channel: r.channel,
  name: r.name,
  settings: r.settings,
  secrets: r.secrets,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Channel accounts of a tenant; every query is scoped by tenant. */
@Injectable()
export class ChannelAccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<ChannelAccount[]> {
    const rows: ChannelAccountRow[] = await manager.query(
      `SELECT * FROM "ingestion"."channel_accounts" WHERE "tenant_id" = $1 ORDER BY "channel", "created_at", "name"`,
      [tenantId],
    );
    return rows.map(toAccount);
  }

  async find(
    tenantId: string,
    channel: ChannelAccountKind,
    name: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ChannelAccount | null> {
    const rows: ChannelAccountRow[] = await manager.query(
      `SELECT * FROM "ingestion"."channel_accounts" WHERE "tenant_id" = $1 AND "channel" = $2 AND "name" = $3`,
      [tenantId, channel, name],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async findById(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ChannelAccount | null> {
    const rows: ChannelAccountRow[] = await manager.query(
      `SELECT * FROM "ingestion"."channel_accounts" WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /** Enabled accounts of one kind, oldest first: the first is the tenant's primary account. */
  async enabled(
    tenantId: string,
    channel: ChannelAccountKind,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ChannelAccount[]> {
    const rows: ChannelAccountRow[] = await manager.query(
      `SELECT * FROM "ingestion"."channel_accounts" WHERE "tenant_id" = $1 AND "channel" = $2 AND "enabled" ORDER BY "created_at", "name"`,
      [tenantId, channel],
    );
    return rows.map(toAccount);
  }

  /** Creates or replaces the account named; returns it and whether it was new. */
  async upsert(
    manager: EntityManager,
    a: {
      tenantId: string;
      channel: ChannelAccountKind;
      name: string;
      settings: Record<string, unknown>;
      secrets: Record<string, SecretReference>;
      enabled: boolean;
    },
  ): Promise<{ account: ChannelAccount; created: boolean }> {
    const rows: Array<ChannelAccountRow & { inserted: boolean }> = await manager.query(
      `INSERT INTO "ingestion"."channel_accounts" ("id", "tenant_id", "channel", "name", "settings", "secrets", "enabled")
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
       ON CONFLICT ("tenant_id", "channel", "name") DO UPDATE SET "settings" = EXCLUDED."settings", "secrets" = EXCLUDED."secrets",
         "enabled" = EXCLUDED."enabled", "updated_at" = now()
       RETURNING *, (xmax = 0) AS "inserted"`,
      [
        randomUUID(),
        a.tenantId,
        a.channel,
        a.name,
        JSON.stringify(a.settings),
        JSON.stringify(a.secrets),
        a.enabled,
      ],
    );
    return { account: toAccount(rows[0]), created: rows[0].inserted };
  }

  /** Seeding: creates the account only when the tenant has none of that name. */
  async insertIfMissing(a: {
    tenantId: string;
    channel: ChannelAccountKind;
    name: string;
    settings: Record<string, unknown>;
    secrets: Record<string, SecretReference>;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "ingestion"."channel_accounts" ("id", "tenant_id", "channel", "name", "settings", "secrets")
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) ON CONFLICT ("tenant_id", "channel", "name") DO NOTHING`,
      [randomUUID(), a.tenantId, a.channel, a.name, JSON.stringify(a.settings), JSON.stringify(a.secrets)],
    );
  }
}
