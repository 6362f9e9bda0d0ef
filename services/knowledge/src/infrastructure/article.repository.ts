import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, updateReturning } from '@helpdesk/persistence';
import type { Article, ArticleContent, ArticleVersion } from '../application/article';
import type { ArticleStatus } from '../domain/search';

const S = 'knowledge';

interface ArticleRow {
  tenant_id: string;
  id: string;
  version: number;
  title: string;
  body: string;
  language: string;
  tags: string[];
  category: string | null;
  status: ArticleStatus;
  helpful_count: number;
  not_helpful_count: number;
  created_at: Date;
  updated_at: Date;
}

interface VersionRow {
  article_id: string;
  version: number;
  title: string;
  body: string;
  language: string;
  tags: string[];
  category: string | null;
  status: ArticleStatus;
  created_by: string | null;
  created_at: Date;
}

const ARTICLE_COLUMNS = `"tenant_id", "id", "version", "title", "body", "language", "tags", "category", "status", "helpful_count", "not_helpful_count", "created_at", "updated_at"`;
const VERSION_COLUMNS = `"article_id", "version", "title", "body", "language", "tags", "category", "status", "created_by", "created_at"`;

const toArticle = (r: ArticleRow): Article => ({
  id: r.id,
  tenantId: r.tenant_id,
  version: r.version,
  title: r.title,
  body: r.body,
  language: r.language,
  tags: r.tags,
  category: r.category,
  status: r.status,
  helpfulCount: r.helpful_count,
  notHelpfulCount: r.not_helpful_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toVersion = (r: VersionRow): ArticleVersion => ({
  articleId: r.article_id,
  version: r.version,
  title: r.title,
  body: r.body,
  language: r.language,
  tags: r.tags,
  category: r.category,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export interface NewArticle extends ArticleContent {
  id: string;
  tenantId: string;
  createdBy: string | null;
  at: Date;
}

export interface ArticleFilter {
  status?: ArticleStatus;
  language?: string;
  category?: string;
  tag?: string;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Articles: one head row per article (the latest version's content) and every version beside it. */
@Injectable()
export class ArticleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates articles at version 1 (head and first version) in one statement each. */
  async insertMany(manager: EntityManager, articles: readonly NewArticle[]): Promise<Article[]> {
    if (articles.length === 0) return [];
    const heads: unknown[] = [];
    const versions: unknown[] = [];
    const headRows: string[] = [];
    const versionRows: string[] = [];
    articles.forEach((a, i) => {
      heads.push(a.tenantId, a.id, a.title, a.body, a.language, a.tags, a.category, a.status, a.at);
      const h = i * 9;
      headRows.push(`($${h + 1}, $${h + 2}, 1, $${h + 3}, $${h + 4}, $${h + 5}, $${h + 6}::text[], $${h + 7}, $${h + 8}, $${h + 9}, $${h + 9})`);
      versions.push(a.tenantId, a.id, a.title, a.body, a.language, a.tags, a.category, a.status, a.createdBy, a.at);
      const v = i * 10;
      versionRows.push(`($${v + 1}, $${v + 2}, 1, $${v + 3}, $${v + 4}, $${v + 5}, $${v + 6}::text[], $${v + 7}, $${v + 8}, $${v + 9}, $${v + 10})`);
    });
    const rows: ArticleRow[] = await manager.query(
      `INSERT INTO "${S}"."articles" ("tenant_id", "id", "version", "title", "body", "language", "tags", "category", "status", "created_at", "updated_at")
       VALUES ${headRows.join(', ')} RETURNING ${ARTICLE_COLUMNS}`,
      heads,
    );
    await manager.query(
      `INSERT INTO "${S}"."article_versions" ("tenant_id", "article_id", "version", "title", "body", "language", "tags", "category", "status", "created_by", "created_at")
       VALUES ${versionRows.join(', ')}`,
      versions,
    );
    const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
    return articles.map((a) => byId.get(a.id)).filter((a): a is Article => a !== undefined);
  }

  /** Writes the next version and moves the head to it. */
  async appendVersion(manager: EntityManager, head: Article, content: ArticleContent, createdBy: string | null, at: Date): Promise<Article> {
    const version = head.version + 1;
    await manager.query(
      `INSERT INTO "${S}"."article_versions" ("tenant_id", "article_id", "version", "title", "body", "language", "tags", "category", "status", "created_by", "created_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11)`,
      [head.tenantId, head.id, version, content.title, content.body, content.language, content.tags, content.category, content.status, createdBy, at],
    );
    const rows = await updateReturning<ArticleRow>(
      manager,
      `UPDATE "${S}"."articles" SET "version" = $3, "title" = $4, "body" = $5, "language" = $6, "tags" = $7::text[], "category" = $8,
         "status" = $9, "updated_at" = $10
       WHERE "tenant_id" = $1 AND "id" = $2 RETURNING ${ARTICLE_COLUMNS}`,
      [head.tenantId, head.id, version, content.title, content.body, content.language, content.tags, content.category, content.status, at],
    );
    return toArticle(rows[0]);
  }

  async find(tenantId: string, id: string, manager: EntityManager = this.dataSource.manager, forUpdate = false): Promise<Article | undefined> {
    const rows: ArticleRow[] = await manager.query(
      `SELECT ${ARTICLE_COLUMNS} FROM "${S}"."articles" WHERE "tenant_id" = $1 AND "id" = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return rows[0] ? toArticle(rows[0]) : undefined;
  }

  async findMany(tenantId: string, ids: readonly string[]): Promise<Article[]> {
    if (ids.length === 0) return [];
    const rows: ArticleRow[] = await this.dataSource.query(
      `SELECT ${ARTICLE_COLUMNS} FROM "${S}"."articles" WHERE "tenant_id" = $1 AND "id" = ANY($2::uuid[])`,
      [tenantId, [...ids]],
    );
    return rows.map(toArticle);
  }

  async findVersion(tenantId: string, id: string, version: number): Promise<ArticleVersion | undefined> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM "${S}"."article_versions" WHERE "tenant_id" = $1 AND "article_id" = $2 AND "version" = $3`,
      [tenantId, id, version],
    );
    return rows[0] ? toVersion(rows[0]) : undefined;
  }

  /** Newest version first. */
  async listVersions(tenantId: string, id: string, limit: number, cursor?: string): Promise<Page<ArticleVersion>> {
    const before = cursor ? Number(decodeCursor(cursor).id) : undefined;
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM "${S}"."article_versions"
       WHERE "tenant_id" = $1 AND "article_id" = $2 AND ($3::int IS NULL OR "version" < $3)
       ORDER BY "version" DESC LIMIT $4`,
      [tenantId, id, before !== undefined && Number.isInteger(before) ? before : null, limit + 1],
    );
    const items = rows.slice(0, limit).map(toVersion);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt.toISOString(), id: String(last.version) }) : null,
    };
  }

  /** Most recently changed first; the language filter matches the tag and its subtags (`zh` finds `zh-Hans`). */
  async list(tenantId: string, filter: ArticleFilter): Promise<Page<Article>> {
    const params: unknown[] = [tenantId];
    const where = [`"tenant_id" = $1`];
    const add = (sql: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (filter.status) add((n) => `"status" = $${n}`, filter.status);
    if (filter.language) add((n) => `(lower("language") = lower($${n}) OR lower("language") LIKE lower($${n}) || '-%')`, filter.language);
    if (filter.category) add((n) => `"category" = $${n}`, filter.category);
    if (filter.tag) add((n) => `"tags" @> ARRAY[$${n}]::text[]`, filter.tag);
    if (filter.cursor) {
      const { at, id } = decodeCursor(filter.cursor);
      params.push(at, id);
      where.push(`("updated_at", "id") < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(filter.limit + 1);
    const rows: ArticleRow[] = await this.dataSource.query(
      `SELECT ${ARTICLE_COLUMNS} FROM "${S}"."articles" WHERE ${where.join(' AND ')}
       ORDER BY "updated_at" DESC, "id" DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, filter.limit).map(toArticle);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor({ at: last.updatedAt.toISOString(), id: last.id }) : null };
  }

  /** Every tenant's published articles in key order, a batch at a time: the input of the boot-time index rebuild. */
  async *publishedBatches(batchSize: number): AsyncGenerator<Article[]> {
    let after: [string, string] | undefined;
    for (;;) {
      // Two statements rather than an OR, so both walk the primary key.
      const rows: ArticleRow[] = after
        ? await this.dataSource.query(
            `SELECT ${ARTICLE_COLUMNS} FROM "${S}"."articles" WHERE ("tenant_id", "id") > ($1::varchar, $2::uuid) AND "status" = 'published'
             ORDER BY "tenant_id", "id" LIMIT $3`,
            [after[0], after[1], batchSize],
          )
        : await this.dataSource.query(
            `SELECT ${ARTICLE_COLUMNS} FROM "${S}"."articles" WHERE "status" = 'published' ORDER BY "tenant_id", "id" LIMIT $1`,
            [batchSize],
          );
      if (rows.length === 0) return;
      yield rows.map(toArticle);
      const last = rows[rows.length - 1];
      after = [last.tenant_id, last.id];
      if (rows.length < batchSize) return;
    }
  }

  /** Applies a vote to the article's counters and returns them. */
  async addVotes(manager: EntityManager, tenantId: string, id: string, helpfulDelta: number, notHelpfulDelta: number): Promise<{ helpful: number; notHelpful: number }> {
    const rows = await updateReturning<{ helpful_count: number; not_helpful_count: number }>(
      manager,
      `UPDATE "${S}"."articles" SET "helpful_count" = GREATEST(0, "helpful_count" + $3), "not_helpful_count" = GREATEST(0, "not_helpful_count" + $4)
       WHERE "tenant_id" = $1 AND "id" = $2 RETURNING "helpful_count", "not_helpful_count"`,
      [tenantId, id, helpfulDelta, notHelpfulDelta],
    );
    return { helpful: rows[0]?.helpful_count ?? 0, notHelpful: rows[0]?.not_helpful_count ?? 0 };
  }
}
