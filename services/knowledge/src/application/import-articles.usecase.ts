import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@helpdesk/messaging';
import { IdempotencyService } from '@helpdesk/platform';
import { ArticleRepository } from '../infrastructure/article.repository';
import type { Article, ArticleContent } from './article';
import { insertArticles, validContent } from './article-writes';
import { SearchIndexService } from './search-index.service';

export const MAX_IMPORT_ARTICLES = 1000;

export interface ImportArticlesCommand {
  tenantId: string;
  apiKeyId: string | null;
  idempotencyKey?: string;
  articles: ArticleContent[];
}

export interface ImportedArticle {
  id: string;
  version: number;
  status: string;
}

/** Creates up to 1,000 articles in one transaction (all or none), in the order given. */
@Injectable()
export class ImportArticlesUseCase {
  constructor(
    private readonly articles: ArticleRepository,
    private readonly publisher: EventPublisher,
    private readonly idempotency: IdempotencyService,
    private readonly index: SearchIndexService,
  ) {}

  async execute(command: ImportArticlesCommand, requestBody: unknown): Promise<{ items: ImportedArticle[]; replayed: boolean }> {
    const contents = command.articles.map((c, i) => validContent(c, `articles.${i}.language`));
    let created: Article[] = [];
    const result = await this.idempotency.execute<{ items: ImportedArticle[] }>(
      { tenantId: command.tenantId, scope: 'articles-bulk', key: command.idempotencyKey, body: requestBody },
      async (manager) => {
        created = await insertArticles(manager, this.articles, this.publisher, command.tenantId, contents, command.apiKeyId, new Date());
        return { status: 201, body: { items: created.map((a) => ({ id: a.id, version: a.version, status: a.status })) } };
      },
    );
    // Only a committed first run: a run rolled back for a racing repeat of the key left no articles.
    if (!result.replayed && created.length > 0) this.index.apply(command.tenantId, created.map((a) => a.id), created);
    return { items: result.body.items, replayed: result.replayed };
  }
}
