import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { ArticleRepository } from '../infrastructure/article.repository';
import { sameContent, toView, type Article, type ArticleContent, type ArticleView } from './article';
import { validContent } from './article-writes';
import { KnowledgeErrorCode, KnowledgeException } from './knowledge.exception';
import { SearchIndexService } from './search-index.service';

export interface UpdateArticleCommand {
  tenantId: string;
  apiKeyId: string | null;
  articleId: string;
  /** Fields left out keep their current value. */
  changes: Partial<ArticleContent>;
  /** Optimistic concurrency: the version the author edited; another version in between is a 409. */
  expectedVersion?: number;
}

/**
 * Every edit is a new version; the head moves to it. Sending the current content again changes nothing
 * (PUT is idempotent), and a version moved back to draft leaves search.
 */
@Injectable()
export class UpdateArticleUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly articles: ArticleRepository,
    private readonly publisher: EventPublisher,
    private readonly index: SearchIndexService,
  ) {}

  async execute(command: UpdateArticleCommand): Promise<{ article: ArticleView; newVersion: boolean }> {
    const { tenantId, articleId } = command;
    const outcome = await this.dataSource.transaction(async (manager): Promise<{ article: Article; newVersion: boolean }> => {
      const head = await this.articles.find(tenantId, articleId, manager, true);
      if (!head) throw new KnowledgeException(KnowledgeErrorCode.ArticleNotFound, `article ${articleId} not found`);
      if (command.expectedVersion !== undefined && command.expectedVersion !== head.version) {
        throw new KnowledgeException(
          KnowledgeErrorCode.VersionConflict,
          `article ${articleId} is at version ${head.version}, not ${command.expectedVersion}: reload it and apply the edit again`,
          'expectedVersion',
        );
      }
      const current: ArticleContent = { title: head.title, body: head.body, language: head.language, tags: head.tags, category: head.category, status: head.status };
      const next = validContent({ ...current, ...definedOnly(command.changes) });
      if (sameContent(next, current)) return { article: head, newVersion: false };
      const article = await this.articles.appendVersion(manager, head, next, command.apiKeyId, new Date());
      await this.publisher.publish(manager, {
        type: 'article.changed',
        tenantId,
        aggregateId: article.id,
        payload: { articleId: article.id, version: article.version, status: article.status, language: article.language, category: article.category, change: 'updated' },
      });
      return { article, newVersion: true };
    });
    if (outcome.newVersion) this.index.apply(tenantId, [articleId], [outcome.article]);
    return { article: toView(outcome.article), newVersion: outcome.newVersion };
  }
}

function definedOnly(changes: Partial<ArticleContent>): Partial<ArticleContent> {
  const out: Partial<ArticleContent> = {};
  if (changes.title !== undefined) out.title = changes.title;
  if (changes.body !== undefined) out.body = changes.body;
  if (changes.language !== undefined) out.language = changes.language;
  if (changes.tags !== undefined) out.tags = changes.tags;
  // null clears the category; undefined keeps it.
  if (changes.category !== undefined) out.category = changes.category;
  if (changes.status !== undefined) out.status = changes.status;
  return out;
}
