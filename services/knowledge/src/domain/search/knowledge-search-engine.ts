import { createVariantRewriter } from './chinese-variants';
import { DEFAULT_CONFIDENCE_CALIBRATION, type ConfidenceCalibration } from './confidence';
import type { ArticleFeedback, SearchDocument, SearchQuery, SearchResult } from './search-document';
import { SearchErrorCode, SearchException } from './search.exception';
import {
  TenantSearchIndex,
  type RankingOptions,
  type TenantIndexStats,
  type ValidatedQuery,
} from './tenant-search-index';
import {
  DEFAULT_ASSOCIATION_LEARNING,
  learnTermAssociations,
  learnTermAssociationsInSlices,
  type AssociationLearningOptions,
  type EquivalentPair,
  type TermAssociations,
} from './term-associations';
import { TextAnalyzer, type AnalyzerOptions } from './text-analyzer';
import { jiebaSegmenter } from './word-segmenter';

export const MAX_QUERY_LENGTH = 1000;
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 200;
const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;

export interface SearchEngineOptions {
  analyzer: AnalyzerOptions;
  ranking: RankingOptions;
  confidence: ConfidenceCalibration;
  /** Length of the body window shown as snippet, in UTF-16 units. */
  snippetChars: number;
}

export const DEFAULT_SEARCH_OPTIONS: SearchEngineOptions = {
  analyzer: {
    segmenter: jiebaSegmenter,
    variants: createVariantRewriter(),
    hanBigrams: true,
    hanUnigrams: true,
    englishStemming: true,
    stopWords: true,
  },
  ranking: {
    k1: 2,
    b: 0.75,
    fieldWeights: { title: 2, body: 1, tags: 1.5 },
    kindWeights: [1, 1, 1],
    synonymWeight: 0.5,
    associationWeight: 0.5,
    necessityWeight: 1,
    feedbackWeight: 0.1,
    feedbackSmoothing: 5,
    maxDocumentFrequency: [1, 1, 0.5],
    maxQueryTerms: 64,
  },
  confidence: DEFAULT_CONFIDENCE_CALIBRATION,
  snippetChars: 120,
};

/**
 * In-memory search over every tenant's published articles. The service rebuilds it from Postgres on
 * boot (`build`) and keeps it current with `add`/`update`/`remove` on each article change.
 */
export class KnowledgeSearchEngine {
  private readonly tenants = new Map<string, TenantSearchIndex>();
  private readonly analyzer: TextAnalyzer;
  private readonly synonymsByTenant = new Map<string, readonly (readonly string[])[]>();
  private readonly associationsByTenant = new Map<string, TermAssociations>();
  private readonly feedbackByTenant = new Map<string, Map<string, ArticleFeedback>>();
  readonly options: SearchEngineOptions;
  private bulkLoading = false;

  constructor(options: Partial<SearchEngineOptions> = {}) {
    this.options = { ...DEFAULT_SEARCH_OPTIONS, ...options };
    this.analyzer = new TextAnalyzer(this.options.analyzer);
  }

  /** Replaces every tenant's index with `docs` (drafts are skipped); synonyms and feedback are kept. */
  build(docs: Iterable<SearchDocument>): void {
    this.tenants.clear();
    this.bulkLoading = true;
    try {
      for (const doc of docs) this.add(doc);
    } finally {
      this.bulkLoading = false;
      for (const index of this.tenants.values()) index.compact();
    }
  }

  add(doc: SearchDocument): void {
    validateDocument(doc);
    this.tenant(doc.tenantId).upsert(doc);
  }

  /** Same as `add`: the new version replaces the old; a version moved back to draft leaves the index. */
  update(doc: SearchDocument): void {
    this.add(doc);
  }

  remove(tenantId: string, articleId: string): boolean {
    return this.tenants.get(tenantId)?.remove(articleId) ?? false;
  }

  /** Synonym groups, e.g. `[['花呗', '蚂蚁花呗'], ['refund', 'money back']]`; replaces the tenant's previous set. */
  setSynonyms(tenantId: string, groups: readonly (readonly string[])[]): void {
    this.synonymsByTenant.set(tenantId, groups);
    this.tenant(tenantId).setSynonyms(groups);
  }

  /**
   * Learns the tenant's query expansion from phrasings known to be equivalent (an article's title and the
   * questions it answered) and replaces the previous table; returns how many terms gained associations.
   */
  learnAssociations(
    tenantId: string,
    pairs: Iterable<EquivalentPair>,
    options: AssociationLearningOptions = DEFAULT_ASSOCIATION_LEARNING,
  ): number {
    return this.useAssociations(tenantId, learnTermAssociations(pairs, this.analyzer, options));
  }

  /** As `learnAssociations`, yielding to the event loop while it counts: for a service that is answering. */
  async learnAssociationsInSlices(
    tenantId: string,
    pairs: Iterable<EquivalentPair>,
    options: AssociationLearningOptions = DEFAULT_ASSOCIATION_LEARNING,
  ): Promise<number> {
    return this.useAssociations(tenantId, await learnTermAssociationsInSlices(pairs, this.analyzer, options));
  }

  private useAssociations(tenantId: string, table: TermAssociations): number {
    this.associationsByTenant.set(tenantId, table);
    this.tenant(tenantId).setAssociations(table);
    return table.related.size;
  }

  /** Current helpful / not-helpful counts of an article; a small prior on its score. */
  setFeedback(tenantId: string, articleId: string, feedback: ArticleFeedback): void {
    let byArticle = this.feedbackByTenant.get(tenantId);
    if (!byArticle) this.feedbackByTenant.set(tenantId, (byArticle = new Map<string, ArticleFeedback>()));
    byArticle.set(articleId, feedback);
    this.tenant(tenantId).setFeedback(articleId, feedback);
  }

  search(tenantId: string, query: SearchQuery): SearchResult {
    const validated = validateQuery(query);
    const index = this.tenants.get(tenantId);
    if (!index) return { items: [], confidence: 0, signals: { top: 0, margin: 0 } };
    return index.search(validated);
  }

  stats(tenantId: string): TenantIndexStats | undefined {
    return this.tenants.get(tenantId)?.stats();
  }

  private tenant(tenantId: string): TenantSearchIndex {
    let index = this.tenants.get(tenantId);
    if (!index) {
      index = new TenantSearchIndex(this.analyzer, this.options);
      if (this.bulkLoading) index.beginBulk();
      const groups = this.synonymsByTenant.get(tenantId);
      if (groups) index.setSynonyms(groups);
      index.setAssociations(this.associationsByTenant.get(tenantId));
      for (const [articleId, feedback] of this.feedbackByTenant.get(tenantId) ?? [])
        index.setFeedback(articleId, feedback);
      this.tenants.set(tenantId, index);
    }
    return index;
  }
}

export function isLanguageTag(value: string): boolean {
  return LANGUAGE_TAG.test(value);
}

export function validateQuery(query: SearchQuery): ValidatedQuery {
  const text = typeof query.text === 'string' ? query.text.trim() : '';
  if (text.length === 0) throw new SearchException(SearchErrorCode.EmptyQuery, 'The query is empty.', 'q');
  if (text.length > MAX_QUERY_LENGTH) {
    throw new SearchException(
      SearchErrorCode.QueryTooLong,
      `The query is longer than ${MAX_QUERY_LENGTH} characters.`,
      'q',
    );
  }
  if (query.language !== undefined && !isLanguageTag(query.language)) {
    throw new SearchException(
      SearchErrorCode.InvalidLanguage,
      `"${query.language.slice(0, 40)}" is not a language code.`,
      'language',
    );
  }
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new SearchException(
      SearchErrorCode.InvalidLimit,
      `limit must be an integer from 1 to ${MAX_LIMIT}.`,
      'limit',
    );
  }
  return { text, language: query.language, category: query.category, tags: query.tags ?? [], limit };
}

const DOCUMENT_CHECKS: readonly [field: keyof SearchDocument, valid: (doc: SearchDocument) => boolean][] = [
  ['id', (d) => typeof d.id === 'string' && d.id.length > 0],
  ['tenantId', (d) => typeof d.tenantId === 'string' && d.tenantId.length > 0],
  ['title', (d) => typeof d.title === 'string'],
  ['body', (d) => typeof d.body === 'string'],
  ['language', (d) => typeof d.language === 'string' && isLanguageTag(d.language)],
  ['tags', (d) => Array.isArray(d.tags) && d.tags.every((t) => typeof t === 'string')],
  ['status', (d) => d.status === 'published' || d.status === 'draft'],
];

function validateDocument(doc: SearchDocument): void {
  for (const [field, valid] of DOCUMENT_CHECKS) {
    if (!valid(doc)) {
      throw new SearchException(
        SearchErrorCode.InvalidDocument,
        `The article has an invalid ${field}.`,
        field,
      );
    }
  }
}
