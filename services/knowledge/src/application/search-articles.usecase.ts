import { Injectable } from '@nestjs/common';
import { SearchIndexService } from './search-index.service';

export interface SearchArticlesQuery {
  tenantId: string;
  q: string;
  language?: string;
  category?: string;
  tags?: string[];
  limit?: number;
}

export interface SearchItem {
  articleId: string;
  title: string;
  /** HTML-escaped window of the body with matched terms in `<em>`. */
  snippet: string;
  /** 0–1: share of the query's attainable weight this article reaches. */
  score: number;
  language: string;
  category: string | null;
  tags: readonly string[];
}

export interface SearchResponse {
  items: SearchItem[];
  /** 0–1 calibrated confidence that the first item answers the query. */
  confidence: number;
}

/** Published articles of the tenant for a customer's or agent's words; bad input is a `SearchException`. */
@Injectable()
export class SearchArticlesUseCase {
  constructor(private readonly index: SearchIndexService) {}

  execute(query: SearchArticlesQuery): SearchResponse {
    const result = this.index.search(query.tenantId, {
      text: query.q,
      language: query.language,
      category: query.category,
      tags: query.tags,
      limit: query.limit,
    });
    return {
      items: result.items.map((h) => ({
        articleId: h.articleId,
        title: h.title,
        snippet: h.snippet,
        score: round(h.score),
        language: h.language,
        category: h.category,
        tags: h.tags,
      })),
      confidence: round(result.confidence),
    };
  }
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
