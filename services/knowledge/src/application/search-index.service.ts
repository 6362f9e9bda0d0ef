import { Injectable } from '@nestjs/common';
import { InjectLogger, type AppLogger } from '@helpdesk/platform';
import {
  KnowledgeSearchEngine,
  isLanguageTag,
  type ArticleFeedback,
  type SearchDocument,
  type SearchQuery,
  type SearchResult,
  type TenantIndexStats,
} from '../domain/search';
import { ArticleRepository } from '../infrastructure/article.repository';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import { toSearchDocument, type Article } from './article';

export interface RebuildReport {
  articles: number;
  tenants: number;
  skipped: number;
  loadMs: number;
  buildMs: number;
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
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    for (const [tenantId, groups] of synonyms) this.engine.setSynonyms(tenantId, groups);
    for (const v of votes) this.engine.setFeedback(v.tenantId, v.articleId, v.feedback);
    this.engine.build(docs);
    const report = {
      articles: docs.length,
      tenants: new Set(docs.map((d) => d.tenantId)).size,
      skipped,
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
