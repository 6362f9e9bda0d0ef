import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import { ChunkLookups, EventPublisher, aloneInChunk } from '@helpdesk/messaging';
import { InjectConfig } from '@helpdesk/platform';
import { MAX_QUERY_LENGTH, SearchException, type SearchResult } from '../domain/search';
import { ArticleRepository } from '../infrastructure/article.repository';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import { SelfServiceRepository, type SuggestedArticle, type TicketQuestionRecord } from '../infrastructure/self-service.repository';
import type { KnowledgeConfig } from '../config';
import { SearchIndexService } from './search-index.service';
import { decideAutoAnswer, isSimpleQuestion, type BestAnswer, type TicketQuestion } from './self-service.policy';

type TicketCreated = EventEnvelope<'ticket.created', PayloadOf<'ticket.created'>>;

const questionRecord = ({ tenantId, payload: t }: TicketCreated): TicketQuestionRecord => ({
  tenantId,
  ticketId: t.ticketId,
  subject: t.subject ?? null,
  body: t.body,
  language: t.language,
  category: t.category ?? null,
  priority: t.priority,
  createdAt: t.createdAt,
});

const EMPTY: SearchResult = { items: [], confidence: 0, signals: { top: 0, margin: 0 } };

/** Subject and body as one question, cut to what the engine accepts without splitting a surrogate pair. */
export function questionOf(subject: string | null | undefined, body: string): string {
  const text = [subject?.trim(), body.trim()].filter(Boolean).join('\n');
  if (text.length <= MAX_QUERY_LENGTH) return text;
  let end = MAX_QUERY_LENGTH;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/**
 * On a new ticket: the best articles for its question (suggestions.ready for the agent), the question's
 * best score (the gap log) and, for a simple question with a confident answer, auto-answer.proposed.
 */
@Injectable()
export class SuggestArticlesForTicketUseCase {
  /** Whether each prefetched event's ticket was new, for its handler. */
  private readonly recordedInChunk = new ChunkLookups<boolean>();

  constructor(
    private readonly index: SearchIndexService,
    private readonly articles: ArticleRepository,
    private readonly settings: KnowledgeSettingsRepository,
    private readonly selfService: SelfServiceRepository,
    private readonly publisher: EventPublisher,
    @InjectConfig() private readonly config: KnowledgeConfig,
  ) {}

  /**
   * Records a chunk's new tickets' questions in one statement; each handler then learns whether its
   * ticket was new. A ticket that appears twice in the chunk records itself when its turn comes.
   */
  async prefetch(manager: EntityManager, events: readonly TicketCreated[]): Promise<void> {
    const alone = aloneInChunk(events, (e) => [`${e.tenantId}:${e.payload.ticketId.toLowerCase()}`]);
    if (alone.length < 2) return;
    const recorded = await this.selfService.insertQuestions(manager, alone.map(questionRecord));
    this.recordedInChunk.remember(manager, alone.map((e) => [e.id, recorded.has(e.payload.ticketId.toLowerCase())] as const));
  }

  async execute(manager: EntityManager, event: TicketCreated): Promise<void> {
    const { tenantId } = event;
    const t = event.payload;
    const recorded = this.recordedInChunk.take(manager, event.id) ?? (await this.selfService.insertQuestion(manager, questionRecord(event)));
    if (!recorded) return;

    const question = questionOf(t.subject, t.body);
    const result = this.search(tenantId, question, t.language);
    const settings = await this.settings.selfService(tenantId, manager);
    const ticket: TicketQuestion = { priority: t.priority, category: t.category ?? null, followUpOf: t.followUpOf ?? null };
    const suggestions: SuggestedArticle[] = result.items.map((h) => ({ articleId: h.articleId, title: h.title, snippet: h.snippet, score: h.score }));
    const at = new Date();
    await this.selfService.saveSuggestions(manager, tenantId, {
      ticketId: t.ticketId,
      question: question.slice(0, 1000),
      bestScore: result.items[0]?.score ?? 0,
      confidence: result.confidence,
      simpleQuestion: isSimpleQuestion(ticket, settings),
      suggestions,
      computedAt: at,
    });
    await this.publisher.publish(manager, {
      type: 'suggestions.ready',
      tenantId,
      aggregateId: t.ticketId,
      payload: { ticketId: t.ticketId, suggestions: suggestions.map(({ articleId, title, score }) => ({ articleId, title, score })) },
    });

    const top = result.items[0];
    // The answer is the article as stored now (the index holds the same latest published version).
    const head = top ? await this.articles.find(tenantId, top.articleId, manager) : undefined;
    const best: BestAnswer | undefined =
      head?.status === 'published' ? { articleId: head.id, confidence: result.confidence, score: top?.score ?? 0, answer: head.body } : undefined;
    if (!head || !best || !decideAutoAnswer(ticket, best, settings).propose) return;
    await this.selfService.insertAutoAnswer(manager, tenantId, {
      ticketId: t.ticketId,
      articleId: head.id,
      articleVersion: head.version,
      confidence: result.confidence,
      proposedAt: at,
    });
    await this.publisher.publish(manager, {
      type: 'auto-answer.proposed',
      tenantId,
      aggregateId: t.ticketId,
      payload: { ticketId: t.ticketId, articleId: head.id, title: head.title, answer: head.body, confidence: result.confidence },
    });
  }

  /** In the ticket's language first (zh/en), any language when that finds nothing; a blank question finds nothing. */
  private search(tenantId: string, question: string, language: string): SearchResult {
    const limit = this.config.SUGGESTIONS_PER_TICKET;
    try {
      if (language === 'zh' || language === 'en') {
        const inLanguage = this.index.search(tenantId, { text: question, language, limit });
        if (inLanguage.items.length > 0) return inLanguage;
      }
      return this.index.search(tenantId, { text: question, limit });
    } catch (err) {
      if (err instanceof SearchException) return EMPTY;
      throw err;
    }
  }
}
