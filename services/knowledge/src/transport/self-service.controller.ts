import { Body, Controller, Get, Injectable, Param, Put, Query, type PipeTransform } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PRIORITIES, type Priority } from '@helpdesk/contracts';
import { CurrentAuth, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { KnowledgeErrorCode, KnowledgeException } from '../application/knowledge.exception';
import { ListGapsUseCase, type GapsResponse } from '../application/list-gaps.usecase';
import { SelfServiceStatsUseCase, type SelfServiceStats } from '../application/self-service-stats.usecase';
import type { SelfServiceSettings } from '../application/self-service.policy';
import { UpdateSelfServiceSettingsUseCase } from '../application/update-self-service-settings.usecase';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import { SelfServiceRepository } from '../infrastructure/self-service.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class TicketIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new KnowledgeException(KnowledgeErrorCode.TicketNotFound, `no suggestions for ticket ${value.slice(0, 64)}`);
    return value.toLowerCase();
  }
}

export class RangeQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 30 days before `to`' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

export class GapsQuery extends RangeQuery {
  @ApiPropertyOptional({ minimum: 0.05, maximum: 1, default: 0.4, description: 'Character-bigram similarity at which phrasings group' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0.05)
  @Max(1)
  similarity?: number;
  @ApiPropertyOptional({ minimum: 1, default: 2 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) minCount?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class SelfServiceSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() autoAnswerEnabled?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Smallest search confidence sent without a person' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  autoAnswerThreshold?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: "Smallest score of the best article: stops a lone weak match that looks confident" })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  autoAnswerMinScore?: number;
  @ApiPropertyOptional({ enum: PRIORITIES, isArray: true }) @IsOptional() @IsArray() @IsIn(PRIORITIES, { each: true }) autoAnswerPriorities?: Priority[];
  @ApiPropertyOptional({ type: [String], description: "Triage categories answered automatically (triage's rules emit general, billing, technical, security, legal, complaint)" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  autoAnswerCategories?: string[];
  @ApiPropertyOptional({ minimum: 0.01, maximum: 1, description: 'Questions whose best article scored below this are gaps' })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(1)
  gapMaxScore?: number;
}

export class SelfServiceSettingsViewDto {
  @ApiProperty() autoAnswerEnabled!: boolean;
  @ApiProperty() autoAnswerThreshold!: number;
  @ApiProperty() autoAnswerMinScore!: number;
  @ApiProperty({ enum: PRIORITIES, isArray: true }) autoAnswerPriorities!: Priority[];
  @ApiProperty({ type: [String] }) autoAnswerCategories!: string[];
  @ApiProperty() gapMaxScore!: number;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) updatedAt!: string | null;
}

export class SelfServiceStatsDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty() questions!: number;
  @ApiProperty() simpleQuestions!: number;
  @ApiProperty() proposed!: number;
  @ApiProperty() awaiting!: number;
  @ApiProperty() deflected!: number;
  @ApiProperty() escalated!: number;
  @ApiProperty({ description: 'deflected / simpleQuestions' }) deflectionRate!: number;
  @ApiProperty({ description: 'deflected / (deflected + escalated)' }) answerSuccessRate!: number;
}

export class GapDto {
  @ApiProperty() label!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ type: [String] }) examples!: string[];
  @ApiProperty({ format: 'date-time' }) firstAt!: string;
  @ApiProperty({ format: 'date-time' }) lastAt!: string;
  @ApiProperty() meanBestScore!: number;
}

export class GapsResponseDto {
  @ApiProperty({ type: [GapDto] }) items!: GapDto[];
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty() questions!: number;
  @ApiProperty() maxBestScore!: number;
}

export class SuggestionDto {
  @ApiProperty({ format: 'uuid' }) articleId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() snippet!: string;
  @ApiProperty() score!: number;
}

export class AutoAnswerDto {
  @ApiProperty({ format: 'uuid' }) articleId!: string;
  @ApiProperty() articleVersion!: number;
  @ApiProperty() confidence!: number;
  @ApiProperty({ format: 'date-time' }) proposedAt!: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) answerSentAt!: string | null;
  @ApiProperty({ enum: ['awaiting', 'deflected', 'escalated'] }) outcome!: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) outcomeAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) outcomeReason!: string | null;
}

export class TicketSuggestionsDto {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ type: [SuggestionDto] }) items!: SuggestionDto[];
  @ApiProperty() confidence!: number;
  @ApiProperty() simpleQuestion!: boolean;
  @ApiProperty({ format: 'date-time' }) computedAt!: string;
  @ApiPropertyOptional({ type: AutoAnswerDto, nullable: true }) autoAnswer!: AutoAnswerDto | null;
}

const dateOf = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso));

@ApiTags('self-service')
@Controller('v1')
export class SelfServiceController {
  constructor(
    private readonly selfService: SelfServiceRepository,
    private readonly settings: KnowledgeSettingsRepository,
    private readonly updateSettings: UpdateSelfServiceSettingsUseCase,
    private readonly stats: SelfServiceStatsUseCase,
    private readonly gaps: ListGapsUseCase,
  ) {}

  @Get('tickets/:ticketId/suggestions')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: TicketSuggestionsDto, description: 'Articles suggested for the ticket when it was created, and its automatic answer if one was sent' })
  @ApiNotFoundResponse({ description: 'No ticket.created seen for this ticket (yet)' })
  async suggestions(@CurrentAuth() auth: AuthContext, @Param('ticketId', TicketIdPipe) ticketId: string): Promise<TicketSuggestionsDto> {
    const found = await this.selfService.suggestions(auth.tenantId, ticketId);
    if (!found) throw new KnowledgeException(KnowledgeErrorCode.TicketNotFound, `no suggestions for ticket ${ticketId}`);
    const answer = await this.selfService.autoAnswer(auth.tenantId, ticketId);
    return {
      ticketId,
      items: found.suggestions,
      confidence: found.confidence,
      simpleQuestion: found.simpleQuestion,
      computedAt: found.computedAt.toISOString(),
      autoAnswer: answer
        ? {
            articleId: answer.articleId,
            articleVersion: answer.articleVersion,
            confidence: answer.confidence,
            proposedAt: answer.proposedAt.toISOString(),
            answerSentAt: answer.answerSentAt?.toISOString() ?? null,
            outcome: answer.outcome,
            outcomeAt: answer.outcomeAt?.toISOString() ?? null,
            outcomeReason: answer.outcomeReason,
          }
        : null,
    };
  }

  @Get('self-service/stats')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: SelfServiceStatsDto, description: 'Simple questions, automatic answers and how many were resolved without a person' })
  async getStats(@CurrentAuth() auth: AuthContext, @Query() q: RangeQuery): Promise<SelfServiceStats> {
    return this.stats.execute(auth.tenantId, { from: dateOf(q.from), to: dateOf(q.to) });
  }

  @Get('self-service/settings')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: SelfServiceSettingsViewDto })
  async getSettings(@CurrentAuth() auth: AuthContext): Promise<SelfServiceSettingsViewDto> {
    const s = await this.settings.selfService(auth.tenantId);
    return { ...s, updatedAt: s.updatedAt?.toISOString() ?? null };
  }

  @Put('self-service/settings')
  @RequireScopes('kb:write')
  @ApiOkResponse({ type: SelfServiceSettingsViewDto, description: 'Fields left out keep their value' })
  async putSettings(@CurrentAuth() auth: AuthContext, @Body() dto: SelfServiceSettingsDto): Promise<SelfServiceSettings & { updatedAt: string }> {
    return this.updateSettings.execute({ tenantId: auth.tenantId, changes: dto });
  }

  @Get('gaps')
  @RequireScopes('kb:read')
  @ApiOkResponse({ type: GapsResponseDto, description: 'Frequent customer questions with no good article, most frequent first' })
  async listGaps(@CurrentAuth() auth: AuthContext, @Query() q: GapsQuery): Promise<GapsResponse> {
    return this.gaps.execute({ tenantId: auth.tenantId, from: dateOf(q.from), to: dateOf(q.to), similarity: q.similarity, minCount: q.minCount, limit: q.limit });
  }
}
