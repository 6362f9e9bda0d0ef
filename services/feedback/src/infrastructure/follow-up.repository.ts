import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ROW_OF_TENANT } from '@helpdesk/persistence';
import type { FollowUpPriority } from '../domain';

export type FollowUpSourceKind = 'survey' | 'complaint';
export type FollowUpStatus = 'requested' | 'ticket-opened' | 'customer-notified';

export interface FollowUp {
  readonly id: string;
  readonly tenantId: string;
  readonly sourceKind: FollowUpSourceKind;
  readonly sourceId: string;
  /** The ticket the bad experience was about, when known. */
  readonly ticketId: string | null;
  readonly customerId: string | null;
  readonly conversationId: string | null;
  readonly channel: string | null;
  readonly language: string | null;
  readonly priority: FollowUpPriority;
  readonly reason: string;
  readonly reasons: readonly string[];
  readonly legal: boolean;
  /** The follow-up.requested event: triage's ticket.created for it names this id as its causation. */
  readonly requestEventId: string;
  readonly status: FollowUpStatus;
  readonly followUpTicketId: string | null;
  readonly ticketOpenedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly notifiedAt: Date | null;
  readonly createdAt: Date;
}

interface FollowUpRow {
  id: string;
  tenant_id: string;
  source_kind: FollowUpSourceKind;
  source_id: string;
  ticket_id: string | null;
  customer_id: string | null;
  conversation_id: string | null;
  channel: string | null;
  language: string | null;
  priority: FollowUpPriority;
  reason: string;
  reasons: string[];
  legal: boolean;
  request_event_id: string;
  status: FollowUpStatus;
  follow_up_ticket_id: string | null;
  ticket_opened_at: Date | null;
  resolved_at: Date | null;
  notified_at: Date | null;
  created_at: Date;
}

const toFollowUp = (row: FollowUpRow): FollowUp => ({
  id: row.id,
  tenantId: row.tenant_id,
  sourceKind: row.source_kind,
  sourceId: row.source_id,
  ticketId: row.ticket_id,
  customerId: row.customer_id,
  conversationId: row.conversation_id,
  channel: row.channel,
  language: row.language,
  priority: row.priority,
  reason: row.reason,
  reasons: row.reasons,
  legal: row.legal,
  requestEventId: row.request_event_id,
  status: row.status,
  followUpTicketId: row.follow_up_ticket_id,
  ticketOpenedAt: row.ticket_opened_at,
  resolvedAt: row.resolved_at,
  notifiedAt: row.notified_at,
  createdAt: row.created_at,
});

export type NewFollowUp = Omit<
  FollowUp,
  'status' | 'followUpTicketId' | 'ticketOpenedAt' | 'resolvedAt' | 'notifiedAt' | 'createdAt'
> & { readonly createdAt: Date };

@Injectable()
export class FollowUpRepository {
  async insert(manager: EntityManager, f: NewFollowUp): Promise<void> {
    await manager.query(
      `INSERT INTO "feedback"."follow_ups" ("id", "tenant_id", "source_kind", "source_id", "ticket_id", "customer_id",
         "conversation_id", "channel", "language", "priority", "reason", "reasons", "legal", "request_event_id", "status", "created_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'requested', $15)`,
      [
        f.id,
        f.tenantId,
        f.sourceKind,
        f.sourceId,
        f.ticketId,
        f.customerId,
        f.conversationId,
        f.channel,
        f.language,
        f.priority,
        f.reason,
        [...f.reasons],
        f.legal,
        f.requestEventId,
        f.createdAt,
      ],
    );
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<FollowUp | null> {
    const rows: FollowUpRow[] = await manager.query(
      `SELECT * FROM "feedback"."follow_ups" WHERE ${ROW_OF_TENANT}`,
      [tenantId, id],
    );
    return rows[0] === undefined ? null : toFollowUp(rows[0]);
  }

  async findByRequestEvent(
    manager: EntityManager,
    tenantId: string,
    eventId: string,
  ): Promise<FollowUp | null> {
    const rows: FollowUpRow[] = await manager.query(
      `SELECT * FROM "feedback"."follow_ups" WHERE "tenant_id" = $1 AND "request_event_id" = $2`,
      [tenantId, eventId],
    );
    return rows[0] === undefined ? null : toFollowUp(rows[0]);
  }

  /** The ticket triage opened for it; only the first one counts. */
  async linkTicket(
    manager: EntityManager,
    tenantId: string,
    id: string,
    ticketId: string,
    at: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE "feedback"."follow_ups" SET "follow_up_ticket_id" = $3, "ticket_opened_at" = $4, "status" = 'ticket-opened'
       WHERE ${ROW_OF_TENANT} AND "follow_up_ticket_id" IS NULL RETURNING "id"`,
      [tenantId, id, ticketId, at],
    );
    return rows.length > 0;
  }

  async lockByFollowUpTicket(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
  ): Promise<FollowUp | null> {
    const rows: FollowUpRow[] = await manager.query(
      `SELECT * FROM "feedback"."follow_ups" WHERE "tenant_id" = $1 AND "follow_up_ticket_id" = $2 FOR UPDATE`,
      [tenantId, ticketId],
    );
    return rows[0] === undefined ? null : toFollowUp(rows[0]);
  }

  async markNotified(
    manager: EntityManager,
    tenantId: string,
    id: string,
    resolvedAt: Date,
    notifiedAt: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE "feedback"."follow_ups" SET "status" = 'customer-notified', "resolved_at" = $3, "notified_at" = $4
       WHERE ${ROW_OF_TENANT}`,
      [tenantId, id, resolvedAt, notifiedAt],
    );
  }

  async markResolved(manager: EntityManager, tenantId: string, id: string, resolvedAt: Date): Promise<void> {
    await manager.query(
      `UPDATE "feedback"."follow_ups" SET "resolved_at" = $3 WHERE ${ROW_OF_TENANT}`,
      [tenantId, id, resolvedAt],
    );
  }

  /** A complaint follow-up of this conversation still in progress, so repeated complaint messages join it. */
  async openComplaintInConversation(
    manager: EntityManager,
    tenantId: string,
    conversationId: string,
  ): Promise<FollowUp | null> {
    const rows: FollowUpRow[] = await manager.query(
      `SELECT * FROM "feedback"."follow_ups"
       WHERE "tenant_id" = $1 AND "conversation_id" = $2 AND "source_kind" = 'complaint' AND "status" <> 'customer-notified'
       ORDER BY "created_at" DESC LIMIT 1`,
      [tenantId, conversationId],
    );
    return rows[0] === undefined ? null : toFollowUp(rows[0]);
  }
}
