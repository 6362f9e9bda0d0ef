import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@helpdesk/messaging';
import { IdempotencyService } from '@helpdesk/platform';
import { ArticleFeedbackRepository } from '../infrastructure/article-feedback.repository';
import { ArticleRepository } from '../infrastructure/article.repository';
import { SelfServiceRepository } from '../infrastructure/self-service.repository';
import { KnowledgeErrorCode, KnowledgeException } from './knowledge.exception';
import { SearchIndexService } from './search-index.service';

export interface RecordArticleFeedbackCommand {
  tenantId: string;
  apiKeyId: string | null;
  idempotencyKey?: string;
  articleId: string;
  helpful: boolean;
  ticketId?: string;
  /** The customer's own words; with a helpful vote, an answered question search learns from. */
  question?: string;
}

export interface ArticleFeedbackResult {
  feedbackId: string;
  articleId: string;
  helpful: boolean;
  ticketId: string | null;
  question: string | null;
  /** The article's counts after this vote: the prior search ranks it with. */
  feedback: { helpful: number; notHelpful: number };
}

/**
 * A helpful / not-helpful vote. It moves the article's ranking prior on every replica, and a "not
 * helpful" on an automatically answered ticket counts that answer as not deflected.
 */
@Injectable()
export class RecordArticleFeedbackUseCase {
  constructor(
    private readonly articles: ArticleRepository,
    private readonly votes: ArticleFeedbackRepository,
    private readonly selfService: SelfServiceRepository,
    private readonly publisher: EventPublisher,
    private readonly idempotency: IdempotencyService,
    private readonly index: SearchIndexService,
  ) {}

  async execute(command: RecordArticleFeedbackCommand, requestBody: unknown): Promise<{ result: ArticleFeedbackResult; replayed: boolean }> {
    const { tenantId, articleId, helpful } = command;
    const ticketId = command.ticketId ?? null;
    const question = command.question?.trim() || null;
    const outcome = await this.idempotency.execute<ArticleFeedbackResult>(
      { tenantId, scope: `article-feedback:${articleId}`, key: command.idempotencyKey, body: requestBody },
      async (manager) => {
        // The head row lock serialises votes on one article, so the counters stay exact.
        const head = await this.articles.find(tenantId, articleId, manager, true);
        if (!head) throw new KnowledgeException(KnowledgeErrorCode.ArticleNotFound, `article ${articleId} not found`);
        const at = new Date();
        const previous = ticketId ? await this.votes.ticketVote(manager, tenantId, articleId, ticketId) : undefined;
        let feedbackId: string;
        let helpfulDelta = helpful ? 1 : 0;
        let notHelpfulDelta = helpful ? 0 : 1;
        if (previous) {
          feedbackId = previous.id;
          helpfulDelta -= previous.helpful ? 1 : 0;
          notHelpfulDelta -= previous.helpful ? 0 : 1;
          await this.votes.replace(manager, tenantId, previous.id, helpful, question, at);
        } else {
          feedbackId = randomUUID();
          await this.votes.insert(manager, { id: feedbackId, tenantId, articleId, helpful, ticketId, question, apiKeyId: command.apiKeyId, at });
        }
        const counts = await this.articles.addVotes(manager, tenantId, articleId, helpfulDelta, notHelpfulDelta);
        await this.publisher.publish(manager, {
          type: 'article.feedback-recorded',
          tenantId,
          aggregateId: articleId,
          payload: { articleId, helpful, ticketId, helpfulCount: counts.helpful, notHelpfulCount: counts.notHelpful },
        });
        if (ticketId && !helpful) {
          const answer = await this.selfService.autoAnswer(tenantId, ticketId, manager);
          if (answer?.articleId === articleId) {
            await this.selfService.settle(manager, tenantId, ticketId, ['awaiting', 'deflected'], 'escalated', 'the customer said the answer did not help', at);
          }
        }
        return { status: 201, body: { feedbackId, articleId, helpful, ticketId, question, feedback: counts } };
      },
    );
    if (!outcome.replayed) this.index.setFeedback(tenantId, articleId, outcome.body.feedback);
    return { result: outcome.body, replayed: outcome.replayed };
  }
}
