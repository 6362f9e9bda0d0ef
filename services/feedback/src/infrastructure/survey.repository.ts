import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedSurveyAnswer, SurveyState, SurveySuppression } from '../domain';

export type SurveyStatus = 'scheduled' | 'sent' | 'answered' | 'suppressed' | 'cancelled';
export type AnswerChannel = 'link' | 'chat';

export interface Survey {
  readonly id: string;
  readonly tenantId: string;
  readonly ticketId: string;
  readonly customerId: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly language: string;
  readonly status: SurveyStatus;
  readonly suppressedReason: string | null;
  readonly dueAt: Date;
  readonly sentAt: Date | null;
  readonly expiresAt: Date | null;
  readonly answer: RecordedSurveyAnswer | null;
  readonly answeredVia: AnswerChannel | null;
  readonly followUpId: string | null;
}

interface SurveyRow {
  id: string;
  tenant_id: string;
  ticket_id: string;
  customer_id: string;
  conversation_id: string;
  channel: string;
  language: string;
  status: SurveyStatus;
  suppressed_reason: string | null;
  due_at: Date;
  sent_at: Date | null;
  expires_at: Date | null;
  csat: number | null;
  nps: number | null;
  comment: string | null;
  answered_at: Date | null;
  answered_via: AnswerChannel | null;
  follow_up_id: string | null;
}

const toSurvey = (row: SurveyRow): Survey => ({
  id: row.id,
  tenantId: row.tenant_id,
  ticketId: row.ticket_id,
  customerId: row.customer_id,
  conversationId: row.conversation_id,
  channel: row.channel,
  language: row.language,
  status: row.status,
  suppressedReason: row.suppressed_reason,
  dueAt: row.due_at,
  sentAt: row.sent_at,
  expiresAt: row.expires_at,
  answer:
    row.answered_at === null
      ? null
      : {
          ...(row.csat === null ? {} : { csat: row.csat }),
          ...(row.nps === null ? {} : { nps: row.nps }),
          ...(row.comment === null ? {} : { comment: row.comment }),
          answeredAt: row.answered_at,
        },
  answeredVia: row.answered_via,
  followUpId: row.follow_up_id,
});

/** The survey as the single-use rule sees it; a survey never sent has no open window. */
export function surveyState(survey: Survey): SurveyState {
  return {
    surveyId: survey.id,
    tenantId: survey.tenantId,
    ticketId: survey.ticketId,
    expiresAt: survey.expiresAt ?? new Date(0),
    answer: survey.answer,
  };
}

export interface NewSurvey {
  readonly id: string;
  readonly tenantId: string;
  readonly ticketId: string;
  readonly customerId: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly language: string;
  readonly dueAt: Date;
  readonly status: 'scheduled' | 'suppressed';
  readonly suppressedReason: SurveySuppression | null;
}

@Injectable()
export class SurveyRepository {
  /**
   * One survey per ticket: inserts it, or revives one cancelled by a reopening. Returns null when
   * the ticket already has a survey in any other state (a redelivered or repeated resolution).
   */
  async schedule(manager: EntityManager, survey: NewSurvey): Promise<Survey | null> {
    const rows: SurveyRow[] = await manager.query(
      `INSERT INTO "feedback"."surveys" ("id", "tenant_id", "ticket_id", "customer_id", "conversation_id", "channel", "language",
         "status", "suppressed_reason", "due_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT ON CONSTRAINT "uq_surveys_ticket" DO UPDATE
         SET "status" = EXCLUDED."status", "suppressed_reason" = EXCLUDED."suppressed_reason", "due_at" = EXCLUDED."due_at",
             "updated_at" = now()
         WHERE "surveys"."status" = 'cancelled'
       RETURNING *`,
      [
        survey.id,
        survey.tenantId,
        survey.ticketId,
        survey.customerId,
        survey.conversationId,
        survey.channel,
        survey.language,
        survey.status,
        survey.suppressedReason,
        survey.dueAt,
      ],
    );
    return rows[0] === undefined ? null : toSurvey(rows[0]);
  }

  /** A reopened ticket is not finished: its pending survey waits for the next resolution. */
  async cancelScheduled(manager: EntityManager, tenantId: string, ticketId: string): Promise<void> {
    await manager.query(
      `UPDATE "feedback"."surveys" SET "status" = 'cancelled', "updated_at" = now()
       WHERE "tenant_id" = $1 AND "ticket_id" = $2 AND "status" = 'scheduled'`,
      [tenantId, ticketId],
    );
  }

  /** Due surveys of every tenant, locked so that several replicas never send one twice. */
  async lockDue(manager: EntityManager, now: Date, limit: number): Promise<Survey[]> {
    const rows: SurveyRow[] = await manager.query(
      `SELECT * FROM "feedback"."surveys" WHERE "status" = 'scheduled' AND "due_at" <= $1
       ORDER BY "due_at" LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toSurvey);
  }

  async lock(manager: EntityManager, tenantId: string, surveyId: string): Promise<Survey | null> {
    const rows: SurveyRow[] = await manager.query(
      `SELECT * FROM "feedback"."surveys" WHERE "tenant_id" = $1 AND "id" = $2 FOR UPDATE`,
      [tenantId, surveyId],
    );
    return rows[0] === undefined ? null : toSurvey(rows[0]);
  }

  async find(manager: EntityManager, tenantId: string, surveyId: string): Promise<Survey | null> {
    const rows: SurveyRow[] = await manager.query(
      `SELECT * FROM "feedback"."surveys" WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, surveyId],
    );
    return rows[0] === undefined ? null : toSurvey(rows[0]);
  }

  /** The survey a chat message written at `at` can answer: the conversation's newest one still open then. */
  async lockOpenInConversation(
    manager: EntityManager,
    tenantId: string,
    conversationId: string,
    customerId: string,
    at: Date,
  ): Promise<Survey | null> {
    const rows: SurveyRow[] = await manager.query(
      `SELECT * FROM "feedback"."surveys"
       WHERE "tenant_id" = $1 AND "conversation_id" = $2 AND "customer_id" = $3 AND "status" = 'sent'
         AND "sent_at" <= $4 AND "expires_at" > $4
       ORDER BY "sent_at" DESC LIMIT 1 FOR UPDATE`,
      [tenantId, conversationId, customerId, at],
    );
    return rows[0] === undefined ? null : toSurvey(rows[0]);
  }

  async markSent(
    manager: EntityManager,
    tenantId: string,
    surveyId: string,
    sentAt: Date,
    expiresAt: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE "feedback"."surveys" SET "status" = 'sent', "sent_at" = $3, "expires_at" = $4, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, surveyId, sentAt, expiresAt],
    );
  }

  async markSuppressed(
    manager: EntityManager,
    tenantId: string,
    surveyId: string,
    reason: SurveySuppression,
  ): Promise<void> {
    await manager.query(
      `UPDATE "feedback"."surveys" SET "status" = 'suppressed', "suppressed_reason" = $3, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, surveyId, reason],
    );
  }

  /** Records the single answer; false when the survey was no longer open (the caller holds its lock, so only on misuse). */
  async recordAnswer(
    manager: EntityManager,
    tenantId: string,
    surveyId: string,
    answer: RecordedSurveyAnswer,
    via: AnswerChannel,
    followUpId: string | null,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE "feedback"."surveys"
       SET "status" = 'answered', "csat" = $3, "nps" = $4, "comment" = $5, "answered_at" = $6, "answered_via" = $7,
           "follow_up_id" = $8, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2 AND "status" = 'sent' RETURNING "id"`,
      [
        tenantId,
        surveyId,
        answer.csat ?? null,
        answer.nps ?? null,
        answer.comment ?? null,
        answer.answeredAt,
        via,
        followUpId,
      ],
    );
    return rows.length > 0;
  }
}
