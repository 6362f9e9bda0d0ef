import { Body, Controller, Get, Headers, HttpCode, Injectable, Param, Post, Put, Query, Res, type PipeTransform } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { toView, type ArticleView } from '../application/article';
import { CreateArticleUseCase } from '../application/create-article.usecase';
import { ImportArticlesUseCase, type ImportedArticle } from '../application/import-articles.usecase';
import { KnowledgeErrorCode, KnowledgeException } from '../application/knowledge.exception';
import { RecordArticleFeedbackUseCase, type ArticleFeedbackResult } from '../application/record-article-feedback.usecase';
import { UpdateArticleUseCase } from '../application/update-article.usecase';
import { ArticleRepository } from '../infrastructure/article.repository';
import {
  ArticleFeedbackDto,
  ArticleFeedbackResponseDto,
  ArticlePageDto,
  ArticleVersionPageDto,
  ArticleViewDto,
  CreateArticleDto,
  GetArticleQuery,
  ImportArticlesDto,
  ImportArticlesResponseDto,
  ListArticlesQuery,
  PageQuery,
  UpdateArticleDto,
} from './article.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that is not a UUID names no article: 404, like any unknown article. */
@Injectable()
export class ArticleIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new KnowledgeException(KnowledgeErrorCode.ArticleNotFound, `article ${value.slice(0, 64)} not found`);
    return value.toLowerCase();
  }
}

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Same key and body returns the first response and creates nothing new' };

const content = (dto: CreateArticleDto) => ({
  title: dto.title,
  body: dto.body,
  language: dto.language,
  tags: dto.tags ?? [],
  category: dto.category ?? null,
  status: dto.status ?? 'draft',
});

@ApiTags('articles')
@Controller('v1')
export class ArticlesController {
  constructor(
    private readonly createArticle: CreateArticleUseCase,
    private readonly importArticles: ImportArticlesUseCase,
    private readonly updateArticle: UpdateArticleUseCase,
    private readonly recordFeedback: RecordArticleFeedbackUseCase,
    private readonly articles: ArticleRepository,
  ) {}

  @Post('articles')
  @HttpCode(201)
  @RequireScopes('kb:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: ArticleViewDto, description: 'The article at version 1 (status draft unless given)' })
  async create(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: CreateArticleDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArticleView> {
    const { article, replayed } = await this.createArticle.execute({ tenantId: auth.tenantId, apiKeyId: auth.keyId, idempotencyKey, content: content(dto) }, dto);
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    void reply.header('Location', `/v1/articles/${article.id}`);
    return article;
  }

  @Post('articles::bulk')
  @HttpCode(201)
  @RequireScopes('kb:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: ImportArticlesResponseDto, description: 'Up to 1,000 articles created in one transaction, ids in the order sent' })
  async bulk(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: ImportArticlesDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ items: ImportedArticle[] }> {
    const { items, replayed } = await this.importArticles.execute(
      { tenantId: auth.tenantId, apiKeyId: auth.keyId, idempotencyKey, articles: dto.articles.map(content) },
      dto,
    );
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return { items };
  }

  @Get('articles')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: ArticlePageDto, description: 'Most recently changed first' })
  async list(@CurrentAuth() auth: AuthContext, @Query() q: ListArticlesQuery): Promise<{ items: ArticleView[]; nextCursor: string | null }> {
    const page = await this.articles.list(auth.tenantId, { ...q, limit: q.limit ?? 50 });
    return { items: page.items.map((a) => toView(a)), nextCursor: page.nextCursor };
  }

  @Get('articles/:id')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: ArticleViewDto, description: 'The latest version, or the one asked for with ?version=' })
  @ApiNotFoundResponse({ description: 'Unknown article or version' })
  async get(@CurrentAuth() auth: AuthContext, @Param('id', ArticleIdPipe) id: string, @Query() q: GetArticleQuery): Promise<ArticleView> {
    const article = await this.articles.find(auth.tenantId, id);
    if (!article) throw new KnowledgeException(KnowledgeErrorCode.ArticleNotFound, `article ${id} not found`);
    if (q.version === undefined || q.version === article.version) return toView(article);
    const version = await this.articles.findVersion(auth.tenantId, id, q.version);
    if (!version) throw new KnowledgeException(KnowledgeErrorCode.ArticleVersionNotFound, `article ${id} has no version ${q.version}`, 'version');
    return toView(article, version);
  }

  @Put('articles/:id')
  @RequireScopes('kb:write')
  @ApiOkResponse({ type: ArticleViewDto, description: 'A new version when anything changed; the same content again changes nothing' })
  @ApiNotFoundResponse({ description: 'Unknown article' })
  async update(@CurrentAuth() auth: AuthContext, @Param('id', ArticleIdPipe) id: string, @Body() dto: UpdateArticleDto): Promise<ArticleView> {
    const { expectedVersion, ...changes } = dto;
    const { article } = await this.updateArticle.execute({ tenantId: auth.tenantId, apiKeyId: auth.keyId, articleId: id, changes, expectedVersion });
    return article;
  }

  @Get('articles/:id/versions')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: ArticleVersionPageDto, description: 'Every version, newest first' })
  @ApiNotFoundResponse({ description: 'Unknown article' })
  async versions(@CurrentAuth() auth: AuthContext, @Param('id', ArticleIdPipe) id: string, @Query() q: PageQuery) {
    const article = await this.articles.find(auth.tenantId, id);
    if (!article) throw new KnowledgeException(KnowledgeErrorCode.ArticleNotFound, `article ${id} not found`);
    const page = await this.articles.listVersions(auth.tenantId, id, q.limit ?? 50, q.cursor);
    return {
      items: page.items.map((v) => ({
        version: v.version,
        title: v.title,
        body: v.body,
        language: v.language,
        tags: v.tags,
        category: v.category,
        status: v.status,
        createdBy: v.createdBy,
        createdAt: v.createdAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Post('articles/:id/feedback')
  @HttpCode(201)
  @RequireScopes('kb:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: ArticleFeedbackResponseDto, description: "The vote and the article's counts; search ranks with them" })
  @ApiNotFoundResponse({ description: 'Unknown article' })
  async feedback(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ArticleIdPipe) id: string,
    @Body() dto: ArticleFeedbackDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArticleFeedbackResult> {
    const { result, replayed } = await this.recordFeedback.execute(
      { tenantId: auth.tenantId, apiKeyId: auth.keyId, idempotencyKey, articleId: id, helpful: dto.helpful, ticketId: dto.ticketId, question: dto.question },
      dto,
    );
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return result;
  }
}
