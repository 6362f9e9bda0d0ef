import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Channel, CustomerTier, Language, Priority, TicketStatus } from '@helpdesk/contracts';
import { InvalidCursorError, bindStatement, decodeCursor, encodeCursor, updateReturning, writeBeforeCommit, type DeferredStatements } from '@helpdesk/persistence';
import type { AgentRequirements } from '../domain/routing';
import type { TicketSlaState } from '../domain/sla';
import type { PrioritySource, Ticket, TicketClassification, TicketRouting } from '../domain/ticket';

/** A timeline entry to write; `TimelineEntry` is one read back. */
export interface TimelineRecord {
  type: string;
  data: Record<string, unknown>;
  actor?: string | null;
  at?: Date;
}

interface TicketRow {
  id: string;
  tenant_id: string;
  customer_id: string;
  customer_tier: CustomerTier;
  conversation_id: string;
  channel: Channel;
  subject: string | null;
  language: Language;
  status: TicketStatus;
  priority: Priority;
  priority_source: PrioritySource;
  category: string | null;
  queue: string | null;
  assignee_id: string | null;
  classification: TicketClassification | null;
  sla: TicketSlaState | null;
  sla_calendar_id: string | null;
  next_sla_event_at: Date | null;
  waiting_since: Date | null;
  routing: TicketRouting | null;
  follow_up_of: string | null;
  follow_up_id: string | null;
  linked_ticket_id: string | null;
  auto_answered_at: Date | null;
  resolution_code: string | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const toTicket = (r: TicketRow): Ticket => ({
  id: r.id,
  tenantId: r.tenant_id,
  customerId: r.customer_id,
  customerTier: r.customer_tier,
  conversationId: r.conversation_id,
  channel: r.channel,
  subject: r.subject,
  language: r.language,
  status: r.status,
  priority: r.priority,
  prioritySource: r.priority_source,
  category: r.category,
  queue: r.queue,
  assigneeId: r.assignee_id,
  classification: r.classification,
  sla: r.sla,
  slaCalendarId: r.sla_calendar_id,
  nextSlaEventAt: iso(r.next_sla_event_at),
  waitingSince: iso(r.waiting_since),
  routing: r.routing,
  followUpOf: r.follow_up_of,
  followUpId: r.follow_up_id,
  linkedTicketId: r.linked_ticket_id,
  autoAnsweredAt: iso(r.auto_answered_at),
  resolutionCode: r.resolution_code,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  resolvedAt: iso(r.resolved_at),
  closedAt: iso(r.closed_at),
});

export interface TicketMessage {
  messageId: string;
  direction: 'inbound' | 'outbound';
  channel: Channel;
  author: string | null;
  subject: string | null;
  body: string;
  internal: boolean;
  at: string;
}

const MESSAGE_COLUMNS = `"tenant_id", "ticket_id", "message_id", "direction", "channel", "author", "subject", "body", "internal", "at"`;

/** A message's values after its tenant and ticket, in the order of MESSAGE_COLUMNS. */
const messageValues = (m: TicketMessage): unknown[] => [m.messageId, m.direction, m.channel, m.author, m.subject, m.body, m.internal, m.at];

export interface TimelineEntry {
  type: string;
  actor: string | null;
  data: Record<string, unknown>;
  at: string;
}

export interface TicketFilter {
  status?: TicketStatus;
  priority?: Priority;
  queue?: string;
  assigneeId?: string;
  customerId?: string;
  limit: number;
  cursor?: string;
}

/** The conversation's own latest ticket, locked ($1 tenant, $2 conversation); follow-up tickets stand beside it. */
const LATEST_OF_CONVERSATION = `SELECT * FROM "triage"."tickets" WHERE "tenant_id" = $1 AND "conversation_id" = $2 AND "follow_up_id" IS NULL
  ORDER BY "created_at" DESC LIMIT 1 FOR UPDATE`;

export type NewTicket = Omit<
  Ticket,
  | 'id'
  | 'createdAt'
  | 'updatedAt'
  | 'resolvedAt'
  | 'closedAt'
  | 'nextSlaEventAt'
  | 'waitingSince'
  | 'linkedTicketId'
  | 'autoAnsweredAt'
  | 'resolutionCode'
  | 'routing'
> & {
  createdAt: Date;
  nextSlaEventAt: string | null;
  /** A ticket written already in its routing queue, waiting since then (no second write to route it). */
  routing?: TicketRouting;
  waitingSince?: string;
};

export type TicketPatch = Partial<
  Pick<
    Ticket,
    | 'status'
    | 'priority'
    | 'prioritySource'
    | 'category'
    | 'queue'
    | 'assigneeId'
    | 'classification'
    | 'sla'
    | 'slaCalendarId'
    | 'nextSlaEventAt'
    | 'waitingSince'
    | 'routing'
    | 'linkedTicketId'
    | 'autoAnsweredAt'
    | 'resolutionCode'
    | 'resolvedAt'
    | 'closedAt'
  >
>;

const COLUMNS: Record<keyof TicketPatch, { column: string; json?: boolean }> = {
  status: { column: 'status' },
  priority: { column: 'priority' },
  prioritySource: { column: 'priority_source' },
  category: { column: 'category' },
  queue: { column: 'queue' },
  assigneeId: { column: 'assignee_id' },
  classification: { column: 'classification', json: true },
  sla: { column: 'sla', json: true },
  slaCalendarId: { column: 'sla_calendar_id' },
  nextSlaEventAt: { column: 'next_sla_event_at' },
  waitingSince: { column: 'waiting_since' },
  routing: { column: 'routing', json: true },
  linkedTicketId: { column: 'linked_ticket_id' },
  autoAnsweredAt: { column: 'auto_answered_at' },
  resolutionCode: { column: 'resolution_code' },
  resolvedAt: { column: 'resolved_at' },
  closedAt: { column: 'closed_at' },
};

/** A ticket waiting for an agent, as the dispatcher orders and matches it. */
export interface WaitingTicketRow {
  id: string;
  priority: Priority;
  waitingSince: Date;
  requirements: AgentRequirements;
}

@Injectable()
export class TicketRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
    forUpdate = false,
  ): Promise<Ticket | null> {
    const rows: TicketRow[] = await manager.query(
      `SELECT * FROM "triage"."tickets" WHERE "tenant_id" = $1 AND "id" = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /** The conversation's own latest ticket (follow-up tickets share the conversation but never take its messages). */
  async latestOfConversation(
    manager: EntityManager,
    tenantId: string,
    conversationId: string,
  ): Promise<Ticket | null> {
    const rows: TicketRow[] = await manager.query(
      LATEST_OF_CONVERSATION,
      [tenantId, conversationId],
    );
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /**
   * The conversation's latest ticket (locked, as `latestOfConversation`) and how many tickets the customer
   * opened since `since` (repeated contacts raise urgency), in one round trip: a message needs the first,
   * and the second when it opens a ticket.
   */
  async latestOfConversationCounting(
    manager: EntityManager,
    tenantId: string,
    conversationId: string,
    customerId: string,
    since: Date,
  ): Promise<{ latest: Ticket | null; recentOfCustomer: number }> {
    const [found] = await this.latestOfConversationsCounting(manager, [{ tenantId, conversationId, customerId, since }]);
    return found;
  }

  /**
   * `latestOfConversationCounting` for several messages in one statement, answered in their order; each
   * conversation's latest ticket is locked. Without a ticket the joined columns are all null.
   */
  async latestOfConversationsCounting(
    manager: EntityManager,
    lookups: ReadonlyArray<{ tenantId: string; conversationId: string; customerId: string; since: Date }>,
  ): Promise<Array<{ latest: Ticket | null; recentOfCustomer: number }>> {
    const rows: Array<Omit<TicketRow, 'id'> & { id: string | null; recent_of_customer: number; ord: string }> = await manager.query(
      `SELECT q."ord", c."recent_of_customer", t.*
         FROM unnest($1::varchar[], $2::uuid[], $3::uuid[], $4::timestamptz[]) WITH ORDINALITY AS q("q_tenant", "q_conversation", "q_customer", "q_since", "ord")
        CROSS JOIN LATERAL (SELECT count(*)::int AS "recent_of_customer" FROM "triage"."tickets" x
                WHERE x."tenant_id" = q."q_tenant" AND x."customer_id" = q."q_customer" AND x."created_at" >= q."q_since" AND x."follow_up_id" IS NULL) c
         LEFT JOIN LATERAL (SELECT * FROM "triage"."tickets" y WHERE y."tenant_id" = q."q_tenant" AND y."conversation_id" = q."q_conversation" AND y."follow_up_id" IS NULL
                ORDER BY y."created_at" DESC LIMIT 1 FOR UPDATE) t ON true
        ORDER BY q."ord"`,
      [lookups.map((l) => l.tenantId), lookups.map((l) => l.conversationId), lookups.map((l) => l.customerId), lookups.map((l) => l.since)],
    );
    if (rows.length !== lookups.length) throw new Error(`expected ${lookups.length} rows, got ${rows.length}`);
    return rows.map(({ id, recent_of_customer: recentOfCustomer, ord: _ord, ...columns }) => ({
      latest: id === null ? null : toTicket({ ...columns, id }),
      recentOfCustomer,
    }));
  }

  /** The new ticket as stored; with `firstMessage`, that message is written in the same statement. */
  async insert(manager: EntityManager, t: NewTicket, firstMessage?: TicketMessage): Promise<Ticket> {
    const insertTicket = `INSERT INTO "triage"."tickets" ("id", "tenant_id", "customer_id", "customer_tier", "conversation_id", "channel", "subject", "language",
         "status", "priority", "priority_source", "category", "queue", "assignee_id", "classification", "sla", "sla_calendar_id",
         "next_sla_event_at", "follow_up_of", "follow_up_id", "created_at", "updated_at", "routing", "waiting_since")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17, $18, $19, $20, $21,
               GREATEST($21::timestamptz, now()), $22::jsonb, $23) RETURNING *`;
    const rows: TicketRow[] = await manager.query(
      firstMessage === undefined
        ? insertTicket
        : `WITH "t" AS (${insertTicket}),
                "m" AS (INSERT INTO "triage"."ticket_messages" (${MESSAGE_COLUMNS})
                        SELECT "t"."tenant_id", "t"."id", $24::uuid, $25::varchar, $26::varchar, $27::varchar, $28::varchar, $29::text,
                               $30::boolean, $31::timestamptz
                          FROM "t" ON CONFLICT DO NOTHING)
           SELECT * FROM "t"`,
      [
        randomUUID(),
        t.tenantId,
        t.customerId,
        t.customerTier,
        t.conversationId,
        t.channel,
        t.subject,
        t.language,
        t.status,
        t.priority,
        t.prioritySource,
        t.category,
        t.queue,
        t.assigneeId,
        json(t.classification),
        json(t.sla),
        t.slaCalendarId,
        t.nextSlaEventAt,
        t.followUpOf,
        t.followUpId,
        t.createdAt,
        t.routing === undefined ? null : json(t.routing),
        t.waitingSince ?? null,
        ...(firstMessage === undefined ? [] : messageValues(firstMessage)),
      ],
    );
    return toTicket(one(rows));
  }

  /** Writes the given fields and returns the ticket as stored. */
  async update(
    manager: EntityManager,
    ticket: Pick<Ticket, 'tenantId' | 'id'>,
    patch: TicketPatch,
  ): Promise<Ticket> {
    const sets: string[] = [];
    const values: unknown[] = [ticket.tenantId, ticket.id];
    for (const key of Object.keys(patch) as Array<keyof TicketPatch>) {
      const spec = COLUMNS[key];
      const value = patch[key];
      values.push(spec.json ? json(value ?? null) : (value ?? null));
      sets.push(`"${spec.column}" = $${values.length}${spec.json ? '::jsonb' : ''}`);
    }
    const rows = await updateReturning<TicketRow>(
      manager,
      `UPDATE "triage"."tickets" SET ${[...sets, '"updated_at" = now()'].join(', ')} WHERE "tenant_id" = $1 AND "id" = $2 RETURNING *`,
      values,
    );
    return toTicket(one(rows));
  }

  /**
   * Gives an unassigned, active ticket to an agent; null when someone else took it first. A new ticket
   * becomes open; it leaves the waiting queue.
   */
  async claimAssignment(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
    agentId: string,
  ): Promise<Ticket | null> {
    const rows = await updateReturning<TicketRow>(
      manager,
      `UPDATE "triage"."tickets"
       SET "assignee_id" = $3, "status" = CASE WHEN "status" = 'new' THEN 'open' ELSE "status" END, "waiting_since" = NULL, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2 AND "assignee_id" IS NULL AND "status" IN ('new', 'open', 'pending')
       RETURNING *`,
      [tenantId, ticketId, agentId],
    );
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /** Locks a waiting ticket unless another transaction holds it (that one is dealing with it). */
  async lockWaiting(manager: EntityManager, tenantId: string, ticketId: string): Promise<Ticket | null> {
    const rows: TicketRow[] = await manager.query(
      `SELECT * FROM "triage"."tickets" WHERE "tenant_id" = $1 AND "id" = $2 AND "status" = 'new' AND "assignee_id" IS NULL
       FOR UPDATE SKIP LOCKED`,
      [tenantId, ticketId],
    );
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /** The tenant's waiting queue, priority first, then age. */
  async waiting(manager: EntityManager, tenantId: string, limit = 200): Promise<WaitingTicketRow[]> {
    const rows: Array<{
      id: string;
      priority: Priority;
      waiting_since: Date | null;
      created_at: Date;
      routing: TicketRouting | null;
      language: Language;
      channel: Channel;
    }> = await manager.query(
      `SELECT "id", "priority", "waiting_since", "created_at", "routing", "language", "channel" FROM "triage"."tickets"
         WHERE "tenant_id" = $1 AND "status" = 'new' AND "assignee_id" IS NULL
         ORDER BY "priority", "waiting_since" NULLS LAST, "id" LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      priority: r.priority,
      waitingSince: r.waiting_since ?? r.created_at,
      requirements: r.routing?.requirements ?? {
        skills: [],
        language: r.language === 'other' ? null : r.language,
        channel: r.channel,
      },
    }));
  }

  /** Claims the ticket whose SLA event is due soonest; tickets locked by another replica are skipped. */
  async claimDueSla(manager: EntityManager, now: Date): Promise<Ticket | null> {
    const rows: TicketRow[] = await manager.query(
      `SELECT * FROM "triage"."tickets" WHERE "next_sla_event_at" <= $1 ORDER BY "next_sla_event_at" LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /** A resolved ticket past the reopen window, for closing. */
  async claimResolvedBefore(manager: EntityManager, cutoff: Date): Promise<Ticket | null> {
    const rows: TicketRow[] = await manager.query(
      `SELECT * FROM "triage"."tickets" WHERE "status" = 'resolved' AND "resolved_at" <= $1 ORDER BY "resolved_at" LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [cutoff],
    );
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /** The customer's first words on the ticket and how many public messages they wrote, in one statement. */
  async firstInboundCounting(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
  ): Promise<{ first: { subject: string | null; body: string } | null; inbound: number }> {
    const rows: Array<{ subject: string | null; body: string | null; inbound: number }> = await manager.query(
      `SELECT f."subject", f."body", n."inbound"
         FROM (SELECT count(*)::int AS "inbound" FROM "triage"."ticket_messages"
                WHERE "tenant_id" = $1 AND "ticket_id" = $2 AND "direction" = 'inbound' AND NOT "internal") n
         LEFT JOIN LATERAL (SELECT "subject", "body" FROM "triage"."ticket_messages" WHERE "tenant_id" = $1 AND "ticket_id" = $2 AND "direction" = 'inbound'
                ORDER BY "at", "message_id" LIMIT 1) f ON true`,
      [tenantId, ticketId],
    );
    const row = one(rows);
    return { first: row.body === null ? null : { subject: row.subject, body: row.body }, inbound: row.inbound };
  }

  /** Whether a person already answered the customer publicly. */
  async hasAgentReply(manager: EntityManager, tenantId: string, ticketId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM "triage"."ticket_messages" WHERE "tenant_id" = $1 AND "ticket_id" = $2 AND "direction" = 'outbound' AND NOT "internal"
         AND "author" IS DISTINCT FROM 'auto-answer' LIMIT 1`,
      [tenantId, ticketId],
    );
    return rows.length > 0;
  }

  /** The customer's words that opened the ticket: the text a correction labels. */
  async firstInbound(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
  ): Promise<{ subject: string | null; body: string } | null> {
    const rows: Array<{ subject: string | null; body: string }> = await manager.query(
      `SELECT "subject", "body" FROM "triage"."ticket_messages" WHERE "tenant_id" = $1 AND "ticket_id" = $2 AND "direction" = 'inbound'
       ORDER BY "at", "message_id" LIMIT 1`,
      [tenantId, ticketId],
    );
    return rows[0] ?? null;
  }

  async addMessage(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
    m: TicketMessage,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO "triage"."ticket_messages" (${MESSAGE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING "message_id"`,
      [tenantId, ticketId, ...messageValues(m)],
    );
    return rows.length > 0;
  }

  async record(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
    type: string,
    data: Record<string, unknown>,
    actor: string | null = null,
    at: Date = new Date(),
  ): Promise<void> {
    await this.recordAll(manager, tenantId, ticketId, [{ type, data, actor, at }]);
  }

  /**
   * Several timeline entries, in the given order (the timeline is ordered by id). Inside a transaction
   * they are written with every other entry of it in one statement just before it commits: nothing
   * reads the timeline back within a transaction.
   */
  async recordAll(manager: EntityManager, tenantId: string, ticketId: string, entries: readonly TimelineRecord[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e): TimelineRow => [tenantId, ticketId, e.type, e.actor ?? null, JSON.stringify(e.data), e.at ?? new Date()]);
    await writeBeforeCommit(manager, 'triage.ticket_events', rows, insertTimelineRows);
  }

  async messages(tenantId: string, ticketId: string): Promise<TicketMessage[]> {
    const rows: Array<{
      message_id: string;
      direction: 'inbound' | 'outbound';
      channel: Channel;
      author: string | null;
      subject: string | null;
      body: string;
      internal: boolean;
      at: Date;
    }> = await this.dataSource.query(
      `SELECT * FROM "triage"."ticket_messages" WHERE "tenant_id" = $1 AND "ticket_id" = $2 ORDER BY "at", "message_id"`,
      [tenantId, ticketId],
    );
    return rows.map((r) => ({
      messageId: r.message_id,
      direction: r.direction,
      channel: r.channel,
      author: r.author,
      subject: r.subject,
      body: r.body,
      internal: r.internal,
      at: r.at.toISOString(),
    }));
  }

  async timeline(tenantId: string, ticketId: string): Promise<TimelineEntry[]> {
    const rows: Array<{ type: string; actor: string | null; data: Record<string, unknown>; at: Date }> =
      await this.dataSource.query(
        `SELECT "type", "actor", "data", "at" FROM "triage"."ticket_events" WHERE "tenant_id" = $1 AND "ticket_id" = $2 ORDER BY "id"`,
        [tenantId, ticketId],
      );
    return rows.map((r) => ({ type: r.type, actor: r.actor, data: r.data, at: r.at.toISOString() }));
  }

  /** Newest first, keyset-paginated. */
  async list(tenantId: string, f: TicketFilter): Promise<{ items: Ticket[]; nextCursor: string | null }> {
    const where = ['"tenant_id" = $1'];
    const values: unknown[] = [tenantId];
    const add = (column: string, value: unknown): void => {
      values.push(value);
      where.push(`"${column}" = $${values.length}`);
    };
    if (f.status) add('status', f.status);
    if (f.priority) add('priority', f.priority);
    if (f.queue) add('queue', f.queue);
    if (f.assigneeId) add('assignee_id', f.assigneeId);
    if (f.customerId) add('customer_id', f.customerId);
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      if (!/^[0-9a-f-]{36}$/i.test(c.id)) throw new InvalidCursorError();
      values.push(c.at, c.id);
      where.push(`("created_at", "id") < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(f.limit + 1);
    const rows: TicketRow[] = await this.dataSource.query(
      `SELECT * FROM "triage"."tickets" WHERE ${where.join(' AND ')} ORDER BY "created_at" DESC, "id" DESC LIMIT $${values.length}`,
      values,
    );
    const items = rows.slice(0, f.limit).map(toTicket);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > f.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    };
  }
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function one<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected a row');
  return row;
}

/** tenant, ticket, type, actor, data JSON, at. */
type TimelineRow = [string, string, string, string | null, string, Date];

const insertTimelineRows: DeferredStatements<TimelineRow> = {
  statements: (rows, bind) => [
    bindStatement(
      `INSERT INTO "triage"."ticket_events" ("tenant_id", "ticket_id", "type", "actor", "data", "at")
       SELECT e.tenant_id, e.ticket_id, e.type, e.actor, e.data, e.at
         FROM unnest($1::varchar[], $2::uuid[], $3::varchar[], $4::varchar[], $5::jsonb[], $6::timestamptz[])
              WITH ORDINALITY AS e(tenant_id, ticket_id, type, actor, data, at, n)
        ORDER BY e.n`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]), rows.map((r) => r[4]), rows.map((r) => r[5])],
      bind,
    ),
  ],
};
