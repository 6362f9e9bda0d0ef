export type ArticleStatus = 'draft' | 'published';

/** What the index needs of an article version; Postgres remains the source of truth. */
export interface SearchDocument {
  id: string;
  tenantId: string;
  title: string;
  body: string;
  /** BCP 47 tag such as `zh`, `en`, `zh-Hans`. */
  language: string;
  category?: string | null;
  tags: readonly string[];
  status: ArticleStatus;
}

export interface SearchQuery {
  text: string;
  /** Matches articles whose primary language subtag equals this one's (`zh` matches `zh-Hans`). */
  language?: string;
  category?: string;
  /** An article must carry every listed tag. */
  tags?: readonly string[];
  /** 1–200, default 10. */
  limit?: number;
}

export interface SearchHit {
  articleId: string;
  title: string;
  /** Window of the body (or the title when the body is empty), HTML-escaped, matched terms in `<em>`. */
  snippet: string;
  /** 0–1: share of the query's attainable BM25 weight this article reaches. */
  score: number;
  /** Raw BM25F score after the feedback prior, comparable within one query only. */
  rawScore: number;
  language: string;
  category: string | null;
  tags: readonly string[];
}

export interface SearchResult {
  items: SearchHit[];
  /** 0–1 confidence that the first item answers the query; 0 when nothing matched. */
  confidence: number;
  signals: ConfidenceSignals;
}

export interface ConfidenceSignals {
  /** Normalised score of the first item (0–1). */
  top: number;
  /** (first − second) / first over raw scores; 1 when only one article matched. */
  margin: number;
}

export interface ArticleFeedback {
  helpful: number;
  notHelpful: number;
}
