import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventPublisher } from '@helpdesk/messaging';
import { isLanguageTag } from '../domain/search';
import type { ArticleRepository } from '../infrastructure/article.repository';
import { normalizeContent, type Article, type ArticleContent } from './article';
import { KnowledgeErrorCode, KnowledgeException } from './knowledge.exception';

/** Checks what the transport layer cannot: the language is a tag the search engine accepts. */
export function validContent(content: ArticleContent, field = 'language'): ArticleContent {
  const normalized = normalizeContent(content);
  if (!isLanguageTag(normalized.language)) {
    throw new KnowledgeException(KnowledgeErrorCode.InvalidArticle, `"${normalized.language.slice(0, 40)}" is not a language code (e.g. zh, en, zh-Hans).`, field);
  }
  if (normalized.title.length === 0) throw new KnowledgeException(KnowledgeErrorCode.InvalidArticle, 'title must not be blank.', 'title');
  return normalized;
}

/** Creates articles at version 1 with one `article.changed` each, in the caller's transaction. */
export async function insertArticles(
  manager: EntityManager,
  repository: ArticleRepository,
  publisher: EventPublisher,
  tenantId: string,
  contents: readonly ArticleContent[],
  createdBy: string | null,
  at: Date,
): Promise<Article[]> {
  const created = await repository.insertMany(
    manager,
    contents.map((c) => ({ ...c, id: randomUUID(), tenantId, createdBy, at })),
  );
  await publisher.publishAll(
    manager,
    created.map((a) => ({
      type: 'article.changed' as const,
      tenantId,
      aggregateId: a.id,
      payload: { articleId: a.id, version: a.version, status: a.status, language: a.language, category: a.category, change: 'created' as const },
    })),
  );
  return created;
}
