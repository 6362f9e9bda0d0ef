import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildStatement, writeBeforeCommit, writePendingNow, type BindParameter, type DeferredStatements, type Queryable } from '@helpdesk/persistence';

/** What feedback keeps of a ticket to reach its customer again. */
export interface TicketContext {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly customerId: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly language: string;
  /** Set when this ticket is the follow-up triage opened for one of feedback's follow-up requests. */
  readonly followUpId: string | null;
  readonly createdAt: Date;
}

interface TicketContextRow {
  tenant_id: string;
  ticket_id: string;
  customer_id: string;
  conversation_id: string;
  channel: string;
  language: string;
  follow_up_id: string | null;
  created_at: Date;
}

const toContext = (row: TicketContextRow): TicketContext => ({
  tenantId: row.tenant_id,
  ticketId: row.ticket_id,
  customerId: row.customer_id,
  conversationId: row.conversation_id,
  channel: row.channel,
  language: row.language,
  followUpId: row.follow_up_id,
  createdAt: row.created_at,
});

const DEFERRED_CONTEXTS = 'feedback.ticket-contexts';

/** The contexts in one INSERT; a ticket already known (or listed twice) keeps its first. */
function insertContextsSql(contexts: readonly TicketContext[], bind: BindParameter): string {
  return `INSERT INTO "feedback"."ticket_contexts"
       ("tenant_id", "ticket_id", "customer_id", "conversation_id", "channel", "language", "follow_up_id", "created_at")
     SELECT * FROM unnest(${bind(contexts.map((c) => c.tenantId))}::varchar[], ${bind(contexts.map((c) => c.ticketId))}::uuid[],
       ${bind(contexts.map((c) => c.customerId))}::uuid[], ${bind(contexts.map((c) => c.conversationId))}::uuid[],
       ${bind(contexts.map((c) => c.channel))}::varchar[], ${bind(contexts.map((c) => c.language))}::varchar[],
       ${bind(contexts.map((c) => c.followUpId))}::uuid[], ${bind(contexts.map((c) => c.createdAt))}::timestamptz[])
     ON CONFLICT ON CONSTRAINT "pk_ticket_contexts" DO NOTHING`;
}

/** The number of contexts inserted. */
async function insertContexts(db: Queryable, contexts: readonly TicketContext[]): Promise<number> {
  const { sql, parameters } = buildStatement((bind) => `${insertContextsSql(contexts, bind)} RETURNING "ticket_id"`);
  const rows = (await db.query(sql, parameters)) as unknown[];
  return rows.length;
}

const writeContexts: DeferredStatements<TicketContext> = { statements: (contexts, bind) => [insertContextsSql(contexts, bind)] };

@Injectable()
export class TicketContextRepository {
  /**
   * Inside a transaction, written with the chunk's other new contexts just before it commits (the
   * reads below write them first); a redelivered ticket.created changes nothing.
   */
  async record(manager: EntityManager, context: TicketContext): Promise<void> {
    await writeBeforeCommit(manager, DEFERRED_CONTEXTS, [context], writeContexts);
  }

  /** Inserts once per ticket, at once; false when it was already recorded (a redelivered ticket.created). */
  async insert(manager: EntityManager, context: TicketContext): Promise<boolean> {
    return (await insertContexts(manager, [context])) > 0;
  }

  async find(manager: EntityManager, tenantId: string, ticketId: string): Promise<TicketContext | null> {
    await writePendingNow(manager, DEFERRED_CONTEXTS);
    const rows: TicketContextRow[] = await manager.query(
      `SELECT * FROM "feedback"."ticket_contexts" WHERE "tenant_id" = $1 AND "ticket_id" = $2`,
      [tenantId, ticketId],
    );
    return rows[0] === undefined ? null : toContext(rows[0]);
  }

  /** The conversation's newest ticket that is not itself a follow-up. */
  async latestOfConversation(
    manager: EntityManager,
    tenantId: string,
    conversationId: string,
  ): Promise<TicketContext | null> {
    await writePendingNow(manager, DEFERRED_CONTEXTS);
    const rows: TicketContextRow[] = await manager.query(
      `SELECT * FROM "feedback"."ticket_contexts"
       WHERE "tenant_id" = $1 AND "conversation_id" = $2 AND "follow_up_id" IS NULL
       ORDER BY "created_at" DESC LIMIT 1`,
      [tenantId, conversationId],
    );
    return rows[0] === undefined ? null : toContext(rows[0]);
  }
}
