import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

const S = 'knowledge';

export interface FeedbackVote {
  id: string;
  tenantId: string;
  articleId: string;
  helpful: boolean;
  ticketId: string | null;
  apiKeyId: string | null;
  at: Date;
}

/** Helpful / not-helpful votes on articles; one per ticket and article. */
@Injectable()
export class ArticleFeedbackRepository {
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
      `INSERT INTO "${S}"."article_feedback" ("id", "tenant_id", "article_id", "helpful", "ticket_id", "api_key_id", "created_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [vote.id, vote.tenantId, vote.articleId, vote.helpful, vote.ticketId, vote.apiKeyId, vote.at],
    );
  }

  async replace(manager: EntityManager, tenantId: string, id: string, helpful: boolean, at: Date): Promise<void> {
    await manager.query(`UPDATE "${S}"."article_feedback" SET "helpful" = $3, "created_at" = $4 WHERE "tenant_id" = $1 AND "id" = $2`, [
      tenantId,
      id,
      helpful,
      at,
    ]);
  }
}
