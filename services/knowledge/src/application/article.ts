import type { ArticleStatus, SearchDocument } from '../domain/search';

/** What an author writes; every change of it is a new version. */
export interface ArticleContent {
  title: string;
  body: string;
  /** BCP 47-style tag as given (`zh`, `en`, `zh-Hans`, `pt-BR`). */
  language: string;
  tags: string[];
  category: string | null;
  status: ArticleStatus;
}

/** The current head of an article. */
export interface Article extends ArticleContent {
  id: string;
  tenantId: string;
  version: number;
  helpfulCount: number;
  notHelpfulCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ArticleVersion extends ArticleContent {
  articleId: string;
  version: number;
  createdBy: string | null;
  createdAt: Date;
}

/** Trimmed title and category, tags trimmed and de-duplicated in their first order. */
export function normalizeContent(content: ArticleContent): ArticleContent {
  const tags: string[] = [];
  for (const raw of content.tags) {
    const tag = raw.trim();
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  const category = content.category?.trim() ?? '';
  return {
    title: content.title.trim(),
    body: content.body,
    language: content.language.trim(),
    tags,
    category: category.length > 0 ? category : null,
    status: content.status,
  };
}

export function sameContent(a: ArticleContent, b: ArticleContent): boolean {
  return (
    a.title === b.title &&
    a.body === b.body &&
    a.language === b.language &&
    a.category === b.category &&
    a.status === b.status &&
    a.tags.length === b.tags.length &&
    a.tags.every((t, i) => t === b.tags[i])
  );
}

export function toSearchDocument(article: Article): SearchDocument {
  return {
    id: article.id,
    tenantId: article.tenantId,
    title: article.title,
    body: article.body,
    language: article.language,
    category: article.category,
    tags: article.tags,
    status: article.status,
  };
}

/** An article as the API shows it (JSON-safe: stored as is for idempotent replays). */
export interface ArticleView extends ArticleContent {
  id: string;
  /** The version shown. */
  version: number;
  latestVersion: number;
  feedback: { helpful: number; notHelpful: number };
  createdAt: string;
  updatedAt: string;
}

export function toView(article: Article, shown?: ArticleVersion): ArticleView {
  const content = shown ?? article;
  return {
    id: article.id,
    version: shown?.version ?? article.version,
    latestVersion: article.version,
    title: content.title,
    body: content.body,
    language: content.language,
    tags: content.tags,
    category: content.category,
    status: content.status,
    feedback: { helpful: article.helpfulCount, notHelpful: article.notHelpfulCount },
    createdAt: article.createdAt.toISOString(),
    updatedAt: (shown?.createdAt ?? article.updatedAt).toISOString(),
  };
}
