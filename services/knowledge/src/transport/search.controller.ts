import { Body, Controller, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { CurrentAuth, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { ReplaceSynonymsUseCase } from '../application/replace-synonyms.usecase';
import { SearchArticlesUseCase, type SearchResponse } from '../application/search-articles.usecase';
import { SearchIndexService } from '../application/search-index.service';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import { SearchQueryDto, SearchResponseDto } from './article.dto';

export class SynonymsDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    example: [['花呗', '蚂蚁花呗'], ['refund', 'money back']],
    description: 'Up to 1,000 groups of 2–20 terms (1–100 characters); a query naming one term also finds the others',
  })
  @IsArray()
  groups!: unknown[];
}

export class SearchBodyDto {
  @ApiProperty({ description: '1–1,000 characters (longer text is a 400: send the question, not the whole thread)' }) @IsString() q!: string;
  @ApiPropertyOptional({ example: 'zh' }) @IsOptional() @IsString() @MaxLength(100) language?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) category?: string;
  @ApiPropertyOptional({ type: [String], description: 'An article must carry every tag' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 10 }) @IsOptional() @IsInt() limit?: number;
}

export class SynonymsResponseDto {
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } } }) groups!: string[][];
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) updatedAt!: string | null;
}

export class LearnedAssociationsDto {
  @ApiProperty({ description: 'Answered questions (a ticket question with the article a helpful vote or a deflected automatic answer tied it to) the table was learned from' })
  answeredQuestions!: number;
  @ApiProperty({ description: 'Terms that gained learned expansions' }) terms!: number;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time', description: 'Null until this replica learned a table for the tenant' })
  learnedAt!: string | null;
}

export class SearchStatsDto {
  @ApiProperty({ description: "Published articles in this replica's index" }) articles!: number;
  @ApiProperty({ description: 'Distinct index terms' }) terms!: number;
  @ApiProperty({ type: LearnedAssociationsDto }) associations!: LearnedAssociationsDto;
}

@ApiTags('search')
@Controller('v1')
export class SearchController {
  constructor(
    private readonly searchArticles: SearchArticlesUseCase,
    private readonly replaceSynonyms: ReplaceSynonymsUseCase,
    private readonly settings: KnowledgeSettingsRepository,
    private readonly index: SearchIndexService,
  ) {}

  @Get('search/stats')
  @RequireScopes('kb:read')
  @ApiOkResponse({
    type: SearchStatsDto,
    description:
      "The tenant's search index on the replica that answers, and the term associations it learned from answered questions (relearned within seconds of a vote; deflections within ASSOCIATION_SWEEP_SECONDS)",
  })
  searchStats(@CurrentAuth() auth: AuthContext): SearchStatsDto {
    const index = this.index.stats(auth.tenantId);
    const learned = this.index.learnedStats(auth.tenantId);
    return {
      articles: index?.documents ?? 0,
      terms: index?.terms ?? 0,
      associations: { answeredQuestions: learned.answeredQuestions, terms: learned.terms, learnedAt: learned.learnedAt?.toISOString() ?? null },
    };
  }

  @Get('search')
  @RequireScopes('kb:read')
  @ApiOkResponse({
    type: SearchResponseDto,
    description: 'Published articles, best first: zh word + character n-gram and en stemmed BM25 with title boost',
    headers: { 'Server-Timing': { description: 'search;dur=<ms>: time spent in the search index', schema: { type: 'string' } } },
  })
  search(@CurrentAuth() auth: AuthContext, @Query() q: SearchQueryDto, @Res({ passthrough: true }) reply: FastifyReply): SearchResponse {
    const started = performance.now();
    const result = this.searchArticles.execute({ tenantId: auth.tenantId, q: q.q ?? '', language: q.language, category: q.category, tags: q.tag, limit: q.limit });
    void reply.header('Server-Timing', `search;dur=${(performance.now() - started).toFixed(2)}`);
    return result;
  }

  @Post('search')
  @HttpCode(200)
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: SearchResponseDto, description: 'The same search with the query in a JSON body: for ticket-sized text that would not fit in a URL' })
  searchByBody(@CurrentAuth() auth: AuthContext, @Body() body: SearchBodyDto, @Res({ passthrough: true }) reply: FastifyReply): SearchResponse {
    return this.search(auth, { q: body.q, language: body.language, category: body.category, tag: body.tags, limit: body.limit }, reply);
  }

  @Get('synonyms')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: SynonymsResponseDto })
  async getSynonyms(@CurrentAuth() auth: AuthContext): Promise<SynonymsResponseDto> {
    const { groups, updatedAt } = await this.settings.synonyms(auth.tenantId);
    return { groups, updatedAt: updatedAt?.toISOString() ?? null };
  }

  @Put('synonyms')
  @RequireScopes('kb:write')
  @ApiOkResponse({ type: SynonymsResponseDto, description: "Replaces the tenant's synonym groups; search uses them at once" })
  async putSynonyms(@CurrentAuth() auth: AuthContext, @Body() dto: SynonymsDto): Promise<SynonymsResponseDto> {
    return this.replaceSynonyms.execute({ tenantId: auth.tenantId, groups: dto.groups });
  }
}
