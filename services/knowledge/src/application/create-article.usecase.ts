import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@helpdesk/messaging';
import { IdempotencyService } from '@helpdesk/platform';
import { ArticleRepository } from '../infrastructure/article.repository';
import { toView, type Article, type ArticleContent, type ArticleView } from './article';
import { insertArticles, validContent } from './article-writes';
import { SearchIndexService } from './search-index.service';

export interface CreateArticleCommand {
  tenantId: string;
  apiKeyId: string | null;
  idempotencyKey?: string;
  content: ArticleContent;
}

/** A new article at version 1; published ones are searchable as soon as the request returns. */
@Injectable()
export class CreateArticleUseCase {
  constructor(
    private readonly articles: ArticleRepository,
    private readonly publisher: EventPublisher,
    private readonly idempotency: IdempotencyService,
    private readonly index: SearchIndexService,
  ) {}

  async execute(command: CreateArticleCommand, requestBody: unknown): Promise<{ article: ArticleView; replayed: boolean }> {
    const content = validContent(command.content);
    let created: Article | undefined;
    const result = await this.idempotency.execute<ArticleView>(
      { tenantId: command.tenantId, scope: 'articles', key: command.idempotencyKey, body: requestBody },
      async (manager) => {
        [created] = await insertArticles(manager, this.articles, this.publisher, command.tenantId, [content], command.apiKeyId, new Date());
        return { status: 201, body: toView(created) };
      },
    );
    // Only a committed first run: a run rolled back for a racing repeat of the key left no article.
    if (created && !result.replayed) this.index.apply(command.tenantId, [created.id], [created]);
    return { article: result.body, replayed: result.replayed };
  }
}
