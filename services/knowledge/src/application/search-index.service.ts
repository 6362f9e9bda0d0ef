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

/** What a tenant's term-association table on this replica was learned from, and when. */
export interface LearnedAssociationStats {
  /** Answered questions (question, article title pairs) the table was learned from. */
  answeredQuestions: number;
  /** Terms that gained learned expansions. */
  terms: number;
  /** Null until the table was learned on this replica (a tenant with no answered questions at boot). */
  learnedAt: Date | null;
}

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
  private readonly learned = new Map<string, LearnedAssociationStats>();
  /** Per tenant, the deflected automatic answers the table reflects (see `staleDeflections`). */
  private readonly deflections = new Map<string, string>();

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
    // Read before the questions: a deflection settled in between shows up as a difference later.
    const deflections = await this.feedback.deflectionFingerprints();
    const answered = await this.feedback.answeredQuestions(MAX_LEARNED_QUESTIONS);
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    for (const [tenantId, groups] of synonyms) this.engine.setSynonyms(tenantId, groups);
    const learnedAt = new Date();
    this.deflections.clear();
    for (const [tenantId, fingerprint] of deflections) this.deflections.set(tenantId, fingerprint);
    for (const [tenantId, pairs] of pairsByTenant(answered)) {
      this.learned.set(tenantId, { answeredQuestions: pairs.length, terms: this.engine.learnAssociations(tenantId, pairs), learnedAt });
    }
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
    const fingerprint = (await this.feedback.deflectionFingerprints(tenantId)).get(tenantId);
    const answered = await this.feedback.answeredQuestions(MAX_LEARNED_QUESTIONS, tenantId);
    const pairs = pairsByTenant(answered).get(tenantId) ?? [];
    const terms = await this.engine.learnAssociationsInSlices(tenantId, pairs);
    this.learned.set(tenantId, { answeredQuestions: pairs.length, terms, learnedAt: new Date() });
    if (fingerprint === undefined) this.deflections.delete(tenantId);
    else this.deflections.set(tenantId, fingerprint);
    return { questions: pairs.length, terms };
  }

  /**
   * Tenants whose deflected automatic answers differ from those their table was learned with. A
   * deflection is settled by whichever replica consumed the ticket's events and announces itself to no
   * other, so replicas compare against Postgres now and then instead.
   */
  async staleDeflections(): Promise<string[]> {
    const current = await this.feedback.deflectionFingerprints();
    const stale: string[] = [];
    for (const [tenantId, fingerprint] of current) if (this.deflections.get(tenantId) !== fingerprint) stale.push(tenantId);
    for (const tenantId of this.deflections.keys()) if (!current.has(tenantId)) stale.push(tenantId);
    return stale;
  }

  /** Whether the tenant's table was learned from at least one answered question (a title edit changes its pairs). */
  hasLearned(tenantId: string): boolean {
    return (this.learned.get(tenantId)?.answeredQuestions ?? 0) > 0;
  }

  learnedStats(tenantId: string): LearnedAssociationStats {
    return this.learned.get(tenantId) ?? { answeredQuestions: 0, terms: 0, learnedAt: null };
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
