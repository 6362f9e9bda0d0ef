import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Channel, CustomerTier, Language, MessageKind } from '@helpdesk/contracts';
import { bindStatement, buildStatement, ROW_OF_TENANT, updateReturning, writeBeforeCommit, type BindParameter, type DeferredStatements } from '@helpdesk/persistence';
import type { CustomerIdentity } from '../domain/customer-identity';
import type {
  Attachment,
  ConversationRule,
  Customer,
  DeliveryStatus,
  StoredMessage,
} from '../domain/message';
import { DEFAULT_CONVERSATION_RULE } from '../domain/message';

export interface MessageRow {
  id: string;
  tenant_id: string;
  conversation_id: string;
  customer_id: string;
  direction: 'inbound' | 'outbound';
  channel: Channel;
  kind: MessageKind;
  subject: string | null;
  body: string;
  quoted: string | null;
  signature: string | null;
  language: Language;
  attachments: Attachment[];
  external_message_id: string | null;
  email_references: string[] | null;
  metadata: Record<string, unknown>;
  ticket_id: string | null;
  reply_id: string | null;
  delivery_status: DeliveryStatus | null;
  delivery_attempts: number;
  delivery_error: string | null;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  occurred_at: Date;
  created_at: Date;
}

export const toMessage = (r: MessageRow): StoredMessage => ({
  id: r.id,
  tenantId: r.tenant_id,
  conversationId: r.conversation_id,
  customerId: r.customer_id,
  direction: r.direction,
  channel: r.channel,
  kind: r.kind,
  subject: r.subject,
  body: r.body,
  quoted: r.quoted,
  signature: r.signature,
  language: r.language,
  attachments: r.attachments,
  externalMessageId: r.external_message_id,
  emailReferences: r.email_references ?? [],
  metadata: r.metadata,
  ticketId: r.ticket_id,
  replyId: r.reply_id,
  deliveryStatus: r.delivery_status,
  deliveryAttempts: r.delivery_attempts,
  deliveryError: r.delivery_error,
  nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
  lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
  deliveredAt: r.delivered_at?.toISOString() ?? null,
  occurredAt: r.occurred_at.toISOString(),
  createdAt: r.created_at.toISOString(),
});

interface CustomerRow {
  id: string;
  tenant_id: string;
  name: string | null;
  tier: CustomerTier;
  external_id: string | null;
  merged_into: string | null;
}

const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  tier: r.tier,
  externalId: r.external_id,
});

export interface NewMessage {
  tenantId: string;
  conversationId: string;
  customerId: string;
  direction: 'inbound' | 'outbound';
  channel: Channel;
  kind: MessageKind;
  subject: string | null;
  body: string;
  quoted?: string | null;
  signature?: string | null;
  language: Language;
  attachments: Attachment[];
  externalMessageId: string | null;
  emailReferences?: readonly string[] | null;
  metadata: Record<string, unknown>;
  occurredAt: Date;
  /** Outbound replies: the reply they deliver and the first delivery state. */
  replyId?: string | null;
  ticketId?: string | null;
  deliveryStatus?: DeliveryStatus | null;
}

export interface ConversationSummary {
  id: string;
  customerId: string;
  channel: Channel;
  subject: string | null;
  status: string;
}

/** Customers, conversations and messages of the ingestion schema; every query is scoped by tenant. */
@Injectable()
export class IngestionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async findMessage(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await manager.query(
      `SELECT * FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async findByExternalId(
    manager: EntityManager,
    tenantId: string,
    channel: Channel,
    externalMessageId: string,
  ): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await manager.query(
      `SELECT * FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "channel" = $2 AND "external_message_id" = $3`,
      [tenantId, channel, externalMessageId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** The message as stored; with `newConversation` (the message's own), that conversation is created in the same statement. */
  async insertMessage(manager: EntityManager, m: NewMessage, newConversation?: NewConversation): Promise<StoredMessage> {
    if (newConversation && newConversation.id !== m.conversationId) throw new Error('a message creates only its own conversation');
    const insertMessage = `INSERT INTO "ingestion"."messages" ("id", "tenant_id", "conversation_id", "customer_id", "direction", "channel", "kind",
         "subject", "body", "quoted", "signature", "language", "attachments", "external_message_id", "metadata", "occurred_at",
         "email_references", "reply_id", "ticket_id", "delivery_status", "next_attempt_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15::jsonb, $16, $17::text[], $18, $19, $20,
         CASE WHEN $20::varchar IS NULL THEN NULL ELSE now() END) RETURNING *`;
    const values: unknown[] = [
      randomUUID(),
      m.tenantId,
      m.conversationId,
      m.customerId,
      m.direction,
      m.channel,
      m.kind,
      m.subject,
      m.body,
      m.quoted ?? null,
      m.signature ?? null,
      m.language,
      JSON.stringify(m.attachments),
      m.externalMessageId,
      JSON.stringify(m.metadata),
      m.occurredAt,
      m.emailReferences && m.emailReferences.length > 0 ? [...m.emailReferences] : null,
      m.replyId ?? null,
      m.ticketId ?? null,
      m.deliveryStatus ?? null,
    ];
    const { sql, parameters } = buildStatement((bind) => {
      const message = bindStatement(insertMessage, values, bind);
      return newConversation ? `WITH "conversation" AS (${bindStatement(INSERT_CONVERSATION, conversationValues(newConversation), bind)}) ${message}` : message;
    });
    const rows: MessageRow[] = await manager.query(sql, parameters);
    return toMessage(rows[0]);
  }

  /** Rewrites a message whose channel delivers it in versions (a call transcript that grows). */
  async updateMessageContent(
    manager: EntityManager,
    tenantId: string,
    id: string,
    patch: { body: string; attachments: Attachment[]; metadata: Record<string, unknown> },
  ): Promise<void> {
    await manager.query(
      `UPDATE "ingestion"."messages" SET "body" = $3, "attachments" = $4::jsonb, "metadata" = "metadata" || $5::jsonb WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id, patch.body, JSON.stringify(patch.attachments), JSON.stringify(patch.metadata)],
    );
  }

  async mergeMessageMetadata(
    manager: EntityManager,
    tenantId: string,
    id: string,
    metadata: Record<string, unknown>,
  ): Promise<void> {
    await manager.query(
      `UPDATE "ingestion"."messages" SET "metadata" = "metadata" || $3::jsonb WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id, JSON.stringify(metadata)],
    );
  }

  /** The conversation of an earlier e-mail named in In-Reply-To/References (by its Message-ID or its own references). */
  async findConversationByEmailIds(
    manager: EntityManager,
    tenantId: string,
    ids: readonly string[],
  ): Promise<string | null> {
    if (ids.length === 0) return null;
    const rows: Array<{ conversation_id: string }> = await manager.query(
      `SELECT "conversation_id" FROM "ingestion"."messages"
       WHERE "tenant_id" = $1 AND "channel" = 'email' AND ("external_message_id" = ANY($2::text[]) OR "email_references" && $2::text[])
       ORDER BY ("external_message_id" = ANY($2::text[])) DESC, "occurred_at" DESC LIMIT 1`,
      [tenantId, [...ids]],
    );
    return rows[0]?.conversation_id ?? null;
  }

  /** The conversation of the ticket whose id starts with the reference (`[#TK-7d1f3c2a]`). */
  async findConversationByTicketReference(
    manager: EntityManager,
    tenantId: string,
    reference: string,
  ): Promise<string | null> {
    const prefix = reference.toLowerCase();
    if (!/^[0-9a-f-]{8,36}$/.test(prefix)) return null;
    const rows: Array<{ conversation_id: string }> = await manager.query(
      `SELECT "conversation_id" FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "ticket_id" IS NOT NULL AND ("ticket_id"::text) LIKE $2
       ORDER BY "occurred_at" DESC LIMIT 1`,
      [tenantId, `${prefix}%`],
    );
    return rows[0]?.conversation_id ?? null;
  }

  /** The customer's latest inbound message on a channel within a conversation: where a reply goes and what it answers. */
  async lastInbound(
    manager: EntityManager,
    tenantId: string,
    conversationId: string,
    channel: Channel,
  ): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await manager.query(
      `SELECT * FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "conversation_id" = $2 AND "direction" = 'inbound' AND "channel" = $3
       ORDER BY "occurred_at" DESC, "created_at" DESC LIMIT 1`,
      [tenantId, conversationId, channel],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async findByReplyId(
    manager: EntityManager,
    tenantId: string,
    replyId: string,
  ): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await manager.query(
      `SELECT * FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "reply_id" = $2`,
      [tenantId, replyId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** A page of a conversation's messages, oldest first, after the keyset position. */
  async listConversationMessages(
    tenantId: string,
    conversationId: string,
    limit: number,
    after: { at: string; id: string } | null,
  ): Promise<StoredMessage[]> {
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT * FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "conversation_id" = $2
         AND ($3::timestamptz IS NULL OR ("occurred_at", "id") > ($3::timestamptz, $4::uuid))
       ORDER BY "occurred_at", "id" LIMIT $5`,
      [tenantId, conversationId, after?.at ?? null, after?.id ?? null, limit],
    );
    return rows.map(toMessage);
  }

  async conversationRule(manager: EntityManager, tenantId: string): Promise<ConversationRule> {
    const rows: Array<{ conversation_continuity_hours: number; continue_across_channels: boolean }> =
      await manager.query(
        `SELECT "conversation_continuity_hours", "continue_across_channels" FROM "ingestion"."tenant_settings" WHERE "tenant_id" = $1`,
        [tenantId],
      );
    return rows[0]
      ? {
          continuityHours: rows[0].conversation_continuity_hours,
          acrossChannels: rows[0].continue_across_channels,
        }
      : DEFAULT_CONVERSATION_RULE;
  }

  async saveConversationRule(tenantId: string, rule: ConversationRule): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "ingestion"."tenant_settings" ("tenant_id", "conversation_continuity_hours", "continue_across_channels") VALUES ($1, $2, $3)
       ON CONFLICT ("tenant_id") DO UPDATE SET "conversation_continuity_hours" = EXCLUDED."conversation_continuity_hours",
         "continue_across_channels" = EXCLUDED."continue_across_channels", "updated_at" = now()`,
      [tenantId, rule.continuityHours, rule.acrossChannels],
    );
  }

  /** Inside a transaction, written with the rest of its links in one statement just before it commits. */
  async attachTicket(
    manager: EntityManager,
    tenantId: string,
    messageId: string,
    ticketId: string,
  ): Promise<void> {
    await writeBeforeCommit(manager, 'ingestion.message-tickets', [[tenantId, messageId, ticketId] satisfies TicketLink], writeTicketLinks);
  }

  /** Finds the customer owning any of the identities (following merges). */
  async findCustomerByIdentities(
    manager: EntityManager,
    tenantId: string,
    identities: CustomerIdentity[],
  ): Promise<Customer | null> {
    for (const identity of identities) {
      const rows: CustomerRow[] = await manager.query(
        `SELECT c.* FROM "ingestion"."customer_identities" i JOIN "ingestion"."customers" c ON c."id" = i."customer_id"
         WHERE i."tenant_id" = $1 AND i."type" = $2 AND i."value" = $3`,
        [tenantId, identity.type, identity.value],
      );
      if (rows[0]) return this.followMerges(manager, rows[0]);
    }
    return null;
  }

  async findCustomer(manager: EntityManager, tenantId: string, id: string): Promise<Customer | null> {
    const rows: CustomerRow[] = await manager.query(
      `SELECT * FROM "ingestion"."customers" WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id],
    );
    return rows[0] ? this.followMerges(manager, rows[0]) : null;
  }

  /**
   * Creates a customer with its identities in one statement. No ON CONFLICT: when another transaction
   * created a customer for one of them meanwhile, this fails with a unique violation and the caller's
   * retry finds that customer instead of leaving a duplicate without identities.
   */
  async createCustomer(
    manager: EntityManager,
    c: { tenantId: string; name: string | null; tier: CustomerTier; externalId: string | null },
    identities: CustomerIdentity[],
  ): Promise<Customer> {
    const rows: CustomerRow[] = await manager.query(
      `WITH "c" AS (
         INSERT INTO "ingestion"."customers" ("id", "tenant_id", "name", "tier", "external_id") VALUES ($1, $2, $3, $4, $5) RETURNING *
       ), "i" AS (
         INSERT INTO "ingestion"."customer_identities" ("tenant_id", "type", "value", "customer_id")
         SELECT $2, t."type", t."value", $1 FROM unnest($6::varchar[], $7::varchar[]) AS t("type", "value")
       )
       SELECT * FROM "c"`,
      [randomUUID(), c.tenantId, c.name, c.tier, c.externalId, identities.map((i) => i.type), identities.map((i) => i.value)],
    );
    return toCustomer(rows[0]);
  }

  /**
   * The customer the first of the identities that names one belongs to (merges followed), or else a new
   * customer with all of them: the look-up and the creation in one statement. A customer another
   * transaction creates meanwhile makes it fail with a unique violation, as `createCustomer` does.
   */
  async findOrCreateCustomer(
    manager: EntityManager,
    c: { tenantId: string; name: string | null; tier: CustomerTier; externalId: string | null },
    identities: CustomerIdentity[],
  ): Promise<{ customer: Customer; created: boolean; unowned: CustomerIdentity[] }> {
    const rows: Array<CustomerRow & { created: boolean; owned: number[] }> = await manager.query(
      `WITH "q" AS (
         SELECT * FROM unnest($6::varchar[], $7::varchar[]) WITH ORDINALITY AS q("type", "value", "ord")
       ), "found" AS (
         -- One index look-up per identity, whatever the planner guesses of the tables' sizes: the LIMIT
         -- keeps the subquery from being flattened into a join it could plan as scans.
         SELECT m.* FROM "q" CROSS JOIN LATERAL (
           SELECT k.* FROM "ingestion"."customer_identities" i JOIN "ingestion"."customers" k ON k."id" = i."customer_id"
            WHERE i."tenant_id" = $2 AND i."type" = q."type" AND i."value" = q."value"
            LIMIT 1
         ) m
         ORDER BY q."ord" LIMIT 1
       ), "c" AS (
         INSERT INTO "ingestion"."customers" ("id", "tenant_id", "name", "tier", "external_id")
         SELECT $1::uuid, $2::varchar, $3::varchar, $4::varchar, $5::varchar WHERE NOT EXISTS (SELECT 1 FROM "found") RETURNING *
       ), "i" AS (
         INSERT INTO "ingestion"."customer_identities" ("tenant_id", "type", "value", "customer_id")
         SELECT $2, q."type", q."value", c."id" FROM "c" CROSS JOIN "q"
       )
       SELECT false AS "created", f.*, ARRAY(
                SELECT q."ord"::int FROM "q" CROSS JOIN LATERAL (
                  SELECT 1 FROM "ingestion"."customer_identities" i
                   WHERE i."tenant_id" = $2 AND i."type" = q."type" AND i."value" = q."value" AND i."customer_id" = f."id" LIMIT 1) o
              ) AS "owned"
         FROM "found" f
       UNION ALL SELECT true AS "created", c.*, ARRAY[]::int[] AS "owned" FROM "c"`,
      [randomUUID(), c.tenantId, c.name, c.tier, c.externalId, identities.map((i) => i.type), identities.map((i) => i.value)],
    );
    const row = rows[0];
    if (!row) throw new Error('customer neither found nor created');
    if (row.created) return { customer: toCustomer(row), created: true, unowned: [] };
    // Identities the found customer already owns need no insert: what the resolver still has to link.
    const unowned = identities.filter((_, i) => !row.owned.includes(i + 1));
    return { customer: await this.followMerges(manager, row), created: false, unowned };
  }

  async updateCustomer(
    manager: EntityManager,
    tenantId: string,
    id: string,
    patch: { name?: string | null; tier?: CustomerTier; externalId?: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE "ingestion"."customers" SET "name" = COALESCE($3, "name"), "tier" = COALESCE($4, "tier"),
         "external_id" = COALESCE($5, "external_id"), "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id, patch.name ?? null, patch.tier ?? null, patch.externalId ?? null],
    );
  }

  /** Links identities not yet known to the customer; one already owned by someone else is left alone. */
  async addIdentities(
    manager: EntityManager,
    tenantId: string,
    customerId: string,
    identities: CustomerIdentity[],
  ): Promise<CustomerIdentity[]> {
    const added: CustomerIdentity[] = [];
    for (const identity of identities) {
      const rows: unknown[] = await manager.query(
        `INSERT INTO "ingestion"."customer_identities" ("tenant_id", "type", "value", "customer_id") VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING "value"`,
        [tenantId, identity.type, identity.value, customerId],
      );
      if (rows.length > 0) added.push(identity);
    }
    return added;
  }

  async identitiesOf(
    manager: EntityManager,
    tenantId: string,
    customerId: string,
  ): Promise<CustomerIdentity[]> {
    return manager.query(
      `SELECT "type", "value" FROM "ingestion"."customer_identities" WHERE "tenant_id" = $1 AND "customer_id" = $2 ORDER BY "created_at", "type"`,
      [tenantId, customerId],
    );
  }

  async findConversation(
    manager: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<ConversationSummary | null> {
    const rows: Array<{
      id: string;
      customer_id: string;
      channel: Channel;
      subject: string | null;
      status: string;
    }> = await manager.query(
      `SELECT "id", "customer_id", "channel", "subject", "status" FROM "ingestion"."conversations" WHERE ${ROW_OF_TENANT}`,
      [tenantId, id],
    );
    const r = rows[0];
    return r
      ? { id: r.id, customerId: r.customer_id, channel: r.channel, subject: r.subject, status: r.status }
      : null;
  }

  /** The customer's most recent open conversation active since `since`; only of `channel` when given. */
  async findOpenConversation(
    manager: EntityManager,
    tenantId: string,
    customerId: string,
    since: Date,
    channel: Channel | null = null,
  ): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT "id" FROM "ingestion"."conversations" WHERE "tenant_id" = $1 AND "customer_id" = $2 AND "status" = 'open'
       AND "last_message_at" >= $3 AND ($4::varchar IS NULL OR "channel" = $4) ORDER BY "last_message_at" DESC LIMIT 1`,
      [tenantId, customerId, since, channel],
    );
    return rows[0]?.id ?? null;
  }

  /** Notes a new message in the conversation: its id as stored, or null when the tenant has no such conversation. */
  async touchConversation(
    manager: EntityManager,
    tenantId: string,
    id: string,
    at: Date,
    channel: Channel,
  ): Promise<string | null> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE "ingestion"."conversations" SET "last_message_at" = GREATEST("last_message_at", $3), "channel" = $4 WHERE ${ROW_OF_TENANT} RETURNING "id"`,
      [tenantId, id, at, channel],
    );
    return rows[0]?.id ?? null;
  }

  private async followMerges(manager: EntityManager, row: CustomerRow): Promise<Customer> {
    let current = row;
    for (let hops = 0; current.merged_into && hops < 10; hops++) {
      const next: CustomerRow[] = await manager.query(
        `SELECT * FROM "ingestion"."customers" WHERE "id" = $1`,
        [current.merged_into],
      );
      if (!next[0]) break;
      current = next[0];
    }
    return toCustomer(current);
  }
}

export interface NewConversation {
  id: string;
  tenantId: string;
  customerId: string;
  channel: Channel;
  subject: string | null;
  at: Date;
}

const INSERT_CONVERSATION = `INSERT INTO "ingestion"."conversations" ("id", "tenant_id", "customer_id", "channel", "subject", "last_message_at") VALUES ($1, $2, $3, $4, $5, $6)`;

const conversationValues = (c: NewConversation): unknown[] => [c.id, c.tenantId, c.customerId, c.channel, c.subject, c.at];

/** tenant, message, ticket. */
type TicketLink = [string, string, string];

function ticketLinkStatements(links: readonly TicketLink[], bind: BindParameter): string[] {
  // One row may be updated once per statement: the last link of a message wins, as one by one.
  const last = new Map(links.map((l) => [`${l[0]}\u0000${l[1]}`, l]));
  const rows = [...last.values()];
  const update = bindStatement(
    `UPDATE "ingestion"."messages" AS m SET "ticket_id" = l.ticket_id
       FROM unnest($1::varchar[], $2::uuid[], $3::uuid[]) AS l(tenant_id, message_id, ticket_id)
      WHERE m."tenant_id" = l.tenant_id AND m."id" = l.message_id`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    bind,
  );
  return [update];
}

const writeTicketLinks: DeferredStatements<TicketLink> = { statements: ticketLinkStatements };
