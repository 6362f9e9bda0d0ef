import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcHost } from '@helpdesk/platform';
import { SearchArticlesUseCase } from '../application/search-articles.usecase';

interface SearchRequest {
  q: string;
  language: string;
  category: string;
  tag: string;
  limit: number;
}

interface SearchResponse {
  items: Array<{ articleId: string; title: string; snippet: string; score: number }>;
}

/** `knowledge.v1.Knowledge/Search`: the REST search over gRPC (proto3 defaults mean "not given"). */
@Injectable()
export class KnowledgeGrpc implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcHost,
    private readonly searchArticles: SearchArticlesUseCase,
  ) {}

  onModuleInit(): void {
    this.grpc.addUnary<SearchRequest, SearchResponse>('knowledge.v1.Knowledge', 'Search', ['kb:read'], (request, auth) => {
      const result = this.searchArticles.execute({
        tenantId: auth.tenantId,
        q: request.q,
        language: request.language || undefined,
        category: request.category || undefined,
        tags: request.tag ? [request.tag] : undefined,
        limit: request.limit || undefined,
      });
      return Promise.resolve({ items: result.items.map(({ articleId, title, snippet, score }) => ({ articleId, title, snippet, score })) });
    });
  }
}
