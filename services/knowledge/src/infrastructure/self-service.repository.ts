import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Priority } from '@helpdesk/contracts';
import { bindStatement, updateReturning, writeBeforeCommit, type BindParameter, type DeferredStatements } from '@helpdesk/persistence';
import type { AutoAnswerOutcome } from '../application/self-service.policy';

const S = 'knowledge';

export interface SuggestedArticle {
  articleId: string;
  title: string;
  snippet: string;
  score: number;
}

export interface TicketSuggestions {
  ticketId: string;
  question: string;
  bestScore: number;
  confidence: number;
  simpleQuestion: boolean;
  suggestions: SuggestedArticle[];
  computedAt: Date;
}

export interface AutoAnswerRecord {
  ticketId: string;
  articleId: string;
  articleVersion: number;
  confidence: number;
  proposedAt: Date;
  /** When triage confirmed sending it (its automated ticket.replied). */
  answerSentAt: Date | null;
  outcome: AutoAnswerOutcome;
  outcomeAt: Date | null;
  outcomeReason: string | null;
}

export interface TicketQuestionRecord {
  tenantId: string;
  ticketId: string;
  subject: string | null;
  body: string;
  language: string;
  category: string | null;
  priority: Priority;
  createdAt: string;
}

export interface SelfServiceCounts {
  questions: number;
  simpleQuestions: number;
  proposed: number;
  awaiting: number;
  deflected: number;
  escalated: number;
}

interface AutoAnswerRow {
  ticket_id: string;
  article_id: string;
  article_version: number;
  confidence: number;
  proposed_at: Date;
  answer_sent_at: Date | null;
  outcome: AutoAnswerOutcome;
  outcome_at: Date | null;
  outcome_reason: string | null;
}

const toAutoAnswer = (r: AutoAnswerRow): AutoAnswerRecord => ({
  ticketId: r.ticket_id,
  articleId: r.article_id,
  articleVersion: r.article_version,
  confidence: r.confidence,
  proposedAt: r.proposed_at,
  answerSentAt: r.answer_sent_at,
  outcome: r.outcome,
  outcomeAt: r.outcome_at,
  outcomeReason: r.outcome_reason,
});

/** Upserts suggestions; a ticket listed twice keeps its last (one statement cannot update a row twice). */
function suggestionsStatements(items: ReadonlyArray<TicketSuggestions & { tenantId: string }>, bind: BindParameter): string[] {
  const latest = new Map(items.map((s) => [`${s.tenantId}\u0000${s.ticketId}`, s]));
  const rows = [...latest.values()];
  const upsert = bindStatement(
    `INSERT INTO "${S}"."ticket_suggestions" ("tenant_id", "ticket_id", "question", "best_score", "confidence", "simple_question", "suggestions", "computed_at")
     SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::text[], $4::double precision[], $5::double precision[], $6::boolean[], $7::jsonb[], $8::timestamptz[])
     ON CONFLICT ("tenant_id", "ticket_id") DO UPDATE SET "question" = EXCLUDED."question", "best_score" = EXCLUDED."best_score",
       "confidence" = EXCLUDED."confidence", "simple_question" = EXCLUDED."simple_question", "suggestions" = EXCLUDED."suggestions",
       "computed_at" = EXCLUDED."computed_at"`,
    [
      rows.map((s) => s.tenantId),
      rows.map((s) => s.ticketId),
      rows.map((s) => s.question),
      rows.map((s) => s.bestScore),
      rows.map((s) => s.confidence),
      rows.map((s) => s.simpleQuestion),
      rows.map((s) => JSON.stringify(s.suggestions)),
      rows.map((s) => s.computedAt),
    ],
    bind,
  );
  return [upsert];
}

const writeSuggestions: DeferredStatements<TicketSuggestions & { tenantId: string }> = { statements: suggestionsStatements };

/** Ticket questions, what was suggested for them, and the auto-answers sent with their outcome. */
@Injectable()
export class SelfServiceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** False when the ticket was already recorded. */
  async insertQuestion(manager: EntityManager, q: TicketQuestionRecord): Promise<boolean> {
    return (await this.insertQuestions(manager, [q])).size > 0;
  }

  /** `insertQuestion` for several tickets in one statement: the ids of those not recorded before. */
  async insertQuestions(manager: EntityManager, questions: readonly TicketQuestionRecord[]): Promise<Set<string>> {
    const rows: Array<{ ticket_id: string }> = await manager.query(
      `INSERT INTO "${S}"."ticket_questions" ("tenant_id", "ticket_id", "subject", "body", "language", "category", "priority", "created_at")
       SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::text[], $4::text[], $5::varchar[], $6::varchar[], $7::varchar[], $8::timestamptz[])
       ON CONFLICT DO NOTHING RETURNING "ticket_id"`,
      [
        questions.map((q) => q.tenantId),
        questions.map((q) => q.ticketId),
        questions.map((q) => q.subject),
        questions.map((q) => q.body),
        questions.map((q) => q.language),
        questions.map((q) => q.category),
        questions.map((q) => q.priority),
        questions.map((q) => q.createdAt),
      ],
    );
    return new Set(rows.map((r) => r.ticket_id.toLowerCase()));
  }

  /** Inside a transaction, written with the chunk's other tickets' suggestions in one statement just before it commits. */
  async saveSuggestions(manager: EntityManager, tenantId: string, s: TicketSuggestions): Promise<void> {
    await writeBeforeCommit(manager, 'knowledge.ticket-suggestions', [{ tenantId, ...s }], writeSuggestions);
  }

  async suggestions(tenantId: string, ticketId: string): Promise<TicketSuggestions | undefined> {
    const rows: Array<{
      ticket_id: string;
      question: string;
      best_score: number;
      confidence: number;
      simple_question: boolean;
      suggestions: SuggestedArticle[];
      computed_at: Date;
    }> = await this.dataSource.query(
      `SELECT "ticket_id", "question", "best_score", "confidence", "simple_question", "suggestions", "computed_at"
       FROM "${S}"."ticket_suggestions" WHERE "tenant_id" = $1 AND "ticket_id" = $2`,
      [tenantId, ticketId],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      ticketId: r.ticket_id,
      question: r.question,
      bestScore: r.best_score,
      confidence: r.confidence,
      simpleQuestion: r.simple_question,
      suggestions: r.suggestions,
      computedAt: r.computed_at,
    };
  }

  /**
   * Ticket questions in a window with their best score, newest first: the input of gap grouping. A
   * question whose automatic answer was not escalated found its article, whatever the score said.
   */
  async questions(tenantId: string, from: Date, to: Date, max: number): Promise<Array<{ text: string; bestScore: number; at: Date }>> {
    const rows: Array<{ question: string; best_score: number; computed_at: Date }> = await this.dataSource.query(
      `SELECT s."question", s."best_score", s."computed_at" FROM "${S}"."ticket_suggestions" s
       WHERE s."tenant_id" = $1 AND s."computed_at" >= $2 AND s."computed_at" < $3
         AND NOT EXISTS (SELECT 1 FROM "${S}"."auto_answers" a WHERE a."tenant_id" = s."tenant_id" AND a."ticket_id" = s."ticket_id" AND a."outcome" <> 'escalated')
       ORDER BY s."computed_at" DESC LIMIT $4`,
      [tenantId, from, to, max],
    );
    return rows.map((r) => ({ text: r.question, bestScore: r.best_score, at: r.computed_at }));
  }

  async insertAutoAnswer(manager: EntityManager, tenantId: string, a: Omit<AutoAnswerRecord, 'answerSentAt' | 'outcome' | 'outcomeAt' | 'outcomeReason'>): Promise<void> {
    await manager.query(
      `INSERT INTO "${S}"."auto_answers" ("tenant_id", "ticket_id", "article_id", "article_version", "confidence", "proposed_at")
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [tenantId, a.ticketId, a.articleId, a.articleVersion, a.confidence, a.proposedAt],
    );
  }

  async autoAnswer(tenantId: string, ticketId: string, manager: EntityManager = this.dataSource.manager): Promise<AutoAnswerRecord | undefined> {
    const rows: AutoAnswerRow[] = await manager.query(
      `SELECT "ticket_id", "article_id", "article_version", "confidence", "proposed_at", "answer_sent_at", "outcome", "outcome_at", "outcome_reason"
       FROM "${S}"."auto_answers" WHERE "tenant_id" = $1 AND "ticket_id" = $2`,
      [tenantId, ticketId],
    );
    return rows[0] ? toAutoAnswer(rows[0]) : undefined;
  }

  async markSent(manager: EntityManager, tenantId: string, ticketId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE "${S}"."auto_answers" SET "answer_sent_at" = COALESCE("answer_sent_at", $3) WHERE "tenant_id" = $1 AND "ticket_id" = $2`,
      [tenantId, ticketId, at],
    );
  }

  /** Moves an auto-answer to `outcome` when it is currently one of `from`; false when nothing changed. */
  async settle(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
    from: readonly AutoAnswerOutcome[],
    outcome: AutoAnswerOutcome,
    reason: string,
    at: Date,
  ): Promise<boolean> {
    const rows = await updateReturning<{ ticket_id: string }>(
      manager,
      `UPDATE "${S}"."auto_answers" SET "outcome" = $4, "outcome_at" = $5, "outcome_reason" = $6
       WHERE "tenant_id" = $1 AND "ticket_id" = $2 AND "outcome" = ANY($3::varchar[]) RETURNING "ticket_id"`,
      [tenantId, ticketId, [...from], outcome, at, reason.slice(0, 200)],
    );
    return rows.length > 0;
  }

  /** Counts over tickets whose question arrived in [from, to). */
  async counts(tenantId: string, from: Date, to: Date): Promise<SelfServiceCounts> {
    const [questions]: Array<{ questions: string; simple: string }> = await this.dataSource.query(
      `SELECT count(*) AS "questions", count(*) FILTER (WHERE "simple_question") AS "simple"
       FROM "${S}"."ticket_suggestions" WHERE "tenant_id" = $1 AND "computed_at" >= $2 AND "computed_at" < $3`,
      [tenantId, from, to],
    );
    const [answers]: Array<{ proposed: string; awaiting: string; deflected: string; escalated: string }> = await this.dataSource.query(
      `SELECT count(*) AS "proposed",
              count(*) FILTER (WHERE "outcome" = 'awaiting') AS "awaiting",
              count(*) FILTER (WHERE "outcome" = 'deflected') AS "deflected",
              count(*) FILTER (WHERE "outcome" = 'escalated') AS "escalated"
       FROM "${S}"."auto_answers" WHERE "tenant_id" = $1 AND "proposed_at" >= $2 AND "proposed_at" < $3`,
      [tenantId, from, to],
    );
    return {
      questions: Number(questions?.questions ?? 0),
      simpleQuestions: Number(questions?.simple ?? 0),
      proposed: Number(answers?.proposed ?? 0),
      awaiting: Number(answers?.awaiting ?? 0),
      deflected: Number(answers?.deflected ?? 0),
      escalated: Number(answers?.escalated ?? 0),
    };
  }
}
