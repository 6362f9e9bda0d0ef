import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

const S = 'knowledge';

export interface FeedbackVote {
  id: string;
  tenantId: string;
  articleId: string;
  helpful: boolean;
  ticketId: string | null;
  /** The customer's own words, when the caller sent them. */
  question: string | null;
  apiKeyId: string | null;
  at: Date;
}

/** Helpful / not-helpful votes on articles; one per ticket and article. */
@Injectable()
export class ArticleFeedbackRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Customer questions paired with the article title that answered them: helpful votes with the
   * customer's question (their own words, else their ticket's question), and automatic answers that
   * deflected the ticket. The newest `maxPerTenant`
   * of each tenant (or of `tenantId` alone).
   */
  async answeredQuestions(maxPerTenant: number, tenantId?: string): Promise<Array<{ tenantId: string; question: string; title: string }>> {
    const rows: Array<{ tenant_id: string; question: string; title: string }> = await this.dataSource.query(
      `SELECT "tenant_id", "question", "title" FROM (
         SELECT p."tenant_id", p."question", a."title",
                row_number() OVER (PARTITION BY p."tenant_id" ORDER BY p."at" DESC) AS "n"
         FROM (
           SELECT f."tenant_id", f."article_id", coalesce(f."question", concat_ws(' ', q."subject", left(q."body", 1000))) AS "question", f."created_at" AS "at"
           FROM "${S}"."article_feedback" f
           LEFT JOIN "${S}"."ticket_questions" q ON q."tenant_id" = f."tenant_id" AND q."ticket_id" = f."ticket_id"
           WHERE f."helpful" AND (f."question" IS NOT NULL OR q."ticket_id" IS NOT NULL)
           UNION ALL
           SELECT x."tenant_id", x."article_id", concat_ws(' ', q."subject", left(q."body", 1000)), x."proposed_at"
           FROM "${S}"."auto_answers" x
           JOIN "${S}"."ticket_questions" q ON q."tenant_id" = x."tenant_id" AND q."ticket_id" = x."ticket_id"
           WHERE x."outcome" = 'deflected'
         ) p
         JOIN "${S}"."articles" a ON a."tenant_id" = p."tenant_id" AND a."id" = p."article_id"
         WHERE $2::varchar IS NULL OR p."tenant_id" = $2
       ) r WHERE "n" <= $1`,
      [maxPerTenant, tenantId ?? null],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, question: r.question, title: r.title }));
  }

  /**
   * Per tenant with deflected automatic answers, a value that changes whenever that set changes (its
   * size and a sum of row hashes): lets a replica notice deflections settled elsewhere without
   * reading the questions.
   */
  async deflectionFingerprints(tenantId?: string): Promise<Map<string, string>> {
    const rows: Array<{ tenant_id: string; n: string; h: string }> = await this.dataSource.query(
      `SELECT "tenant_id", count(*)::text AS "n", coalesce(sum(hashtext("ticket_id"::text || "article_id"::text)), 0)::text AS "h"
       FROM "${S}"."auto_answers" WHERE "outcome" = 'deflected' AND ($1::varchar IS NULL OR "tenant_id" = $1)
       GROUP BY "tenant_id"`,
      [tenantId ?? null],
    );
    return new Map(rows.map((r) => [r.tenant_id, `${r.n}:${r.h}`]));
  }

  /** The vote this ticket already gave the article, if any (locked: it may be replaced). */
  async ticketVote(manager: EntityManager, tenantId: string, articleId: string, ticketId: string): Promise<{ id: string; helpful: boolean } | undefined> {
    const rows: Array<{ id: string; helpful: boolean }> = await manager.query(
      `SELECT "id", "helpful" FROM "${S}"."article_feedback" WHERE "tenant_id" = $1 AND "article_id" = $2 AND "ticket_id" = $3 FOR UPDATE`,
      [tenantId, articleId, ticketId],
    );
    return rows[0];
  }

  async insert(manager: EntityManager, vote: FeedbackVote): Promise<void> {
    await manager.query(
      `INSERT INTO "${S}"."article_feedback" ("id", "tenant_id", "article_id", "helpful", "ticket_id", "question", "api_key_id", "created_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [vote.id, vote.tenantId, vote.articleId, vote.helpful, vote.ticketId, vote.question, vote.apiKeyId, vote.at],
    );
  }

  /** A changed mind: the new vote, and its question when one came with it (else the earlier one stays). */
  async replace(manager: EntityManager, tenantId: string, id: string, helpful: boolean, question: string | null, at: Date): Promise<void> {
    await manager.query(
      `UPDATE "${S}"."article_feedback" SET "helpful" = $3, "question" = coalesce($4, "question"), "created_at" = $5 WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id, helpful, question, at],
    );
  }
}
