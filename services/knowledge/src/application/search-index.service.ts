import { Injectable } from '@nestjs/common';
import { InjectLogger, type AppLogger } from '@helpdesk/platform';
import {
  KnowledgeSearchEngine,
  isLanguageTag,
  type ArticleFeedback,
  type SearchDocument,
  type SearchQuery,
  type SearchResult,
  type EquivalentPair,
  type TenantIndexStats,
} from '../domain/search';
import { ArticleFeedbackRepository } from '../infrastructure/article-feedback.repository';
import { ArticleRepository } from '../infrastructure/article.repository';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import { toSearchDocument, type Article } from './article';

export interface RebuildReport {
  articles: number;
  tenants: number;
  skipped: number;
  /** Answered questions the term associations were learned from, over all tenants. */
  answeredQuestions: number;
  loadMs: number;
  buildMs: number;
}

/** Newest answered questions per tenant the associations learn from: bounds boot time and memory. */
export const MAX_LEARNED_QUESTIONS = 50_000;

function pairsByTenant(rows: readonly { tenantId: string; question: string; title: string }[]): Map<string, EquivalentPair[]> {
  const out = new Map<string, EquivalentPair[]>();
  for (const r of rows) {
    let list = out.get(r.tenantId);
    if (!list) out.set(r.tenantId, (list = []));
    list.push({ a: r.title, b: r.question });
  }
  return out;
}

/**
 * This replica's in-memory search index over every tenant's published articles (their latest
 * version). Postgres is the source of truth: the index is rebuilt from it at boot, then kept current
 * by the writes this replica makes and by other replicas' `article.changed` events.
 */
@Injectable()
export class SearchIndexService {
  private readonly engine = new KnowledgeSearchEngine();

  constructor(
    private readonly articles: ArticleRepository,
    private readonly settings: KnowledgeSettingsRepository,
    private readonly feedback: ArticleFeedbackRepository,
    @InjectLogger() private readonly logger: AppLogger,
  ) {}

  async rebuild(batchSize: number): Promise<RebuildReport> {
    const t0 = performance.now();
    const docs: SearchDocument[] = [];
    const votes: Array<{ tenantId: string; articleId: string; feedback: ArticleFeedback }> = [];
    let skipped = 0;
    for await (const batch of this.articles.publishedBatches(batchSize)) {
      for (const article of batch) {
        // One bad row must not keep every other article out of the index.
        if (!isLanguageTag(article.language)) {
          skipped++;
          continue;
        }
        docs.push(toSearchDocument(article));
        if (article.helpfulCount + article.notHelpfulCount > 0) {
          votes.push({ tenantId: article.tenantId, articleId: article.id, feedback: { helpful: article.helpfulCount, notHelpful: article.notHelpfulCount } });
        }
      }
    }
    const synonyms = await this.settings.allSynonyms();
    const answered = await this.feedback.answeredQuestions(MAX_LEARNED_QUESTIONS);
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    for (const [tenantId, groups] of synonyms) this.engine.setSynonyms(tenantId, groups);
    for (const [tenantId, pairs] of pairsByTenant(answered)) this.engine.learnAssociations(tenantId, pairs);
    for (const v of votes) this.engine.setFeedback(v.tenantId, v.articleId, v.feedback);
    this.engine.build(docs);
    const report = {
      articles: docs.length,
      tenants: new Set(docs.map((d) => d.tenantId)).size,
      skipped,
      answeredQuestions: answered.length,
      loadMs: Math.round(loadMs),
      buildMs: Math.round(performance.now() - t1),
    };
    if (skipped > 0) this.logger.warn({ skipped }, 'articles with an invalid language left out of the search index');
    return report;
  }

  /** Brings the index in line with the articles' current heads; ids without a row leave the index. */
  apply(tenantId: string, ids: readonly string[], heads: readonly Article[]): void {
    const found = new Set<string>();
    for (const article of heads) {
      found.add(article.id);
      this.engine.update(toSearchDocument(article));
      this.engine.setFeedback(tenantId, article.id, { helpful: article.helpfulCount, notHelpful: article.notHelpfulCount });
    }
    for (const id of ids) if (!found.has(id)) this.engine.remove(tenantId, id);
  }

  /** Re-reads articles from Postgres and applies them (another replica changed them). */
  async refreshArticles(tenantId: string, ids: readonly string[]): Promise<void> {
    this.apply(tenantId, ids, await this.articles.findMany(tenantId, ids));
  }

  async refreshSynonyms(tenantId: string): Promise<void> {
    this.engine.setSynonyms(tenantId, (await this.settings.synonyms(tenantId)).groups);
  }

  /**
   * Relearns the tenant's term associations from its answered questions (helpful votes, deflected
   * automatic answers), so the words customers use reach the articles written in other words.
   */
  async relearnAssociations(tenantId: string): Promise<{ questions: number; terms: number }> {
    const answered = await this.feedback.answeredQuestions(MAX_LEARNED_QUESTIONS, tenantId);
    const pairs = pairsByTenant(answered).get(tenantId) ?? [];
    return { questions: pairs.length, terms: this.engine.learnAssociations(tenantId, pairs) };
  }

  setSynonyms(tenantId: string, groups: readonly (readonly string[])[]): void {
    this.engine.setSynonyms(tenantId, groups);
  }

  setFeedback(tenantId: string, articleId: string, feedback: ArticleFeedback): void {
    this.engine.setFeedback(tenantId, articleId, feedback);
  }

  /** Throws `SearchException` for a query the engine cannot serve (empty, too long, bad language or limit). */
  search(tenantId: string, query: SearchQuery): SearchResult {
    return this.engine.search(tenantId, query);
  }

  stats(tenantId: string): TenantIndexStats | undefined {
    return this.engine.stats(tenantId);
  }
}
