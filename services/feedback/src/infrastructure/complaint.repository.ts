import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ROW_OF_TENANT } from '@helpdesk/persistence';

export type ComplaintSource = 'api' | 'message';

export interface Complaint {
  readonly id: string;
  readonly tenantId: string;
  readonly customerId: string | null;
  readonly ticketId: string | null;
  readonly conversationId: string | null;
  readonly channel: string;
  readonly body: string;
  readonly source: ComplaintSource;
  readonly sourceMessageId: string | null;
  readonly evidence: readonly string[];
  readonly escalation: readonly string[];
  readonly followUpId: string;
  readonly createdAt: Date;
}

interface ComplaintRow {
  id: string;
  tenant_id: string;
  customer_id: string | null;
  ticket_id: string | null;
  conversation_id: string | null;
  channel: string;
  body: string;
  source: ComplaintSource;
  source_message_id: string | null;
  evidence: string[];
  escalation: string[];
  follow_up_id: string;
  created_at: Date;
}

const toComplaint = (row: ComplaintRow): Complaint => ({
  id: row.id,
  tenantId: row.tenant_id,
  customerId: row.customer_id,
  ticketId: row.ticket_id,
  conversationId: row.conversation_id,
  channel: row.channel,
  body: row.body,
  source: row.source,
  sourceMessageId: row.source_message_id,
  evidence: row.evidence,
  escalation: row.escalation,
  followUpId: row.follow_up_id,
  createdAt: row.created_at,
});

@Injectable()
export class ComplaintRepository {
  /** False when this message was already taken as a complaint. */
  async insert(manager: EntityManager, c: Complaint): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO "feedback"."complaints" ("id", "tenant_id", "customer_id", "ticket_id", "conversation_id", "channel", "body",
         "source", "source_message_id", "evidence", "escalation", "follow_up_id", "created_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT ON CONSTRAINT "uq_complaints_message" DO NOTHING RETURNING "id"`,
      [
        c.id,
        c.tenantId,
        c.customerId,
        c.ticketId,
        c.conversationId,
        c.channel,
        c.body,
        c.source,
        c.sourceMessageId,
        [...c.evidence],
        [...c.escalation],
        c.followUpId,
        c.createdAt,
      ],
    );
    return rows.length > 0;
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<Complaint | null> {
    const rows: ComplaintRow[] = await manager.query(
      `SELECT * FROM "feedback"."complaints" WHERE ${ROW_OF_TENANT}`,
      [tenantId, id],
    );
    return rows[0] === undefined ? null : toComplaint(rows[0]);
  }
}
