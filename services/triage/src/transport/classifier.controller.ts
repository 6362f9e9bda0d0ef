import { Body, Controller, Get, Headers, HttpCode, Post, Put, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, IdempotencyService, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { ClassifyTextUseCase } from '../application/classify-text.usecase';
import { SaveLexiconUseCase } from '../application/save-lexicon.usecase';
import { TenantClassifiers } from '../application/tenant-classifiers.service';
import { TrainClassifierUseCase, type TrainingResult } from '../application/train-classifier.usecase';
import { DEFAULT_LEXICON, mergeLexicon, type LexiconOverride } from '../domain/classification';
import type { TicketClassification } from '../domain/ticket';
import { ClassifierRepository, type ClassifierVersionSummary } from '../infrastructure/classifier.repository';
import { ClassifyDto, LexiconDto, TrainingDto } from './classifier.dto';
import { ApiProblemResponses, runIdempotent } from './request-context';

export interface ClassifierView {
  /** Stored model version (1, 2, …), null while the tenant runs on the rules alone. */
  version: number | null;
  modelVersion: string;
  trainedAt: string | null;
  examples: number;
  /** Corrections recorded by people (PATCH /v1/tickets/:id), in total and since the current model. */
  corrections: { total: number; usedByCurrentModel: number };
  figures: ClassifierVersionSummary['figures'] | null;
  history: Array<{
    version: number;
    trainedAt: string;
    priorityMacroF1: number | null;
    queueMacroF1: number | null;
  }>;
}

@ApiTags('classification')
@ApiProblemResponses()
@Controller('v1')
export class ClassifierController {
  constructor(
    private readonly classify: ClassifyTextUseCase,
    private readonly training: TrainClassifierUseCase,
    private readonly lexicon: SaveLexiconUseCase,
    private readonly classifiers: TenantClassifiers,
    private readonly repository: ClassifierRepository,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('classify')
  @HttpCode(200)
  @RequireScopes('tickets:read')
  @ApiBody({ type: ClassifyDto })
  @ApiOkResponse({
    description:
      'priority, urgent, important, category, confidence, reasons [{ signal, weight, evidence }], modelVersion — nothing is created',
  })
  async classifyText(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: ClassifyDto,
  ): Promise<TicketClassification> {
    return this.classify.execute(auth.tenantId, {
      body: dto.body,
      ...(dto.subject !== undefined ? { subject: dto.subject } : {}),
      ...(dto.channel !== undefined ? { channel: dto.channel } : {}),
      ...(dto.customerTier !== undefined ? { customerTier: dto.customerTier } : {}),
      ...(dto.language !== undefined ? { language: dto.language } : {}),
    });
  }

  @Post('classifier/training')
  @RequireScopes('admin')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key and body returns the first training result',
  })
  @ApiBody({ type: TrainingDto })
  @ApiCreatedResponse({
    description: 'The new model version with its held-out figures beside the majority-class baseline',
  })
  @ApiUnprocessableEntityResponse({ description: 'Too few examples, or a single label' })
  async train(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: TrainingDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TrainingResult> {
    const examples = (dto.examples ?? []).map((e) => ({
      body: e.body,
      ...(e.subject ? { subject: e.subject } : {}),
      ...(e.priority ? { priority: e.priority } : {}),
      ...(e.queue ? { queue: e.queue } : {}),
    }));
    return runIdempotent(
      this.idempotency,
      { auth, scope: 'classifier-training', key, body: dto },
      res,
      async (manager) => ({
        status: 201,
        body: await this.training.execute({ tenantId: auth.tenantId, examples }, manager),
      }),
    );
  }

  @Get('classifier')
  @RequireScopes('tickets:read')
  @ApiOkResponse({ description: "The tenant's classifier: version, held-out figures, corrections, history" })
  async show(@CurrentAuth() auth: AuthContext): Promise<ClassifierView> {
    const [history, corrections, modelVersion] = await Promise.all([
      this.repository.history(auth.tenantId),
      this.repository.countCorrections(auth.tenantId),
      this.classifiers.modelVersion(auth.tenantId),
    ]);
    const current = history[0];
    return {
      version: current?.version ?? null,
      modelVersion,
      trainedAt: current?.trainedAt ?? null,
      examples: current?.examples ?? 0,
      corrections: { total: corrections, usedByCurrentModel: current?.corrections ?? 0 },
      figures: current?.figures ?? null,
      history: history.map((h) => ({
        version: h.version,
        trainedAt: h.trainedAt,
        priorityMacroF1: h.figures.priority?.macroF1 ?? null,
        queueMacroF1: h.figures.queue?.macroF1 ?? null,
      })),
    };
  }

  @Get('classifier/lexicon')
  @RequireScopes('tickets:read')
  @ApiOkResponse({ description: "The tenant's lexicon changes and the size of the lexicon in force" })
  async getLexicon(
    @CurrentAuth() auth: AuthContext,
  ): Promise<{ override: LexiconOverride; updatedAt: string | null; terms: number; version: string }> {
    const stored = await this.repository.lexicon(auth.tenantId);
    const override = stored?.override ?? {};
    const merged = mergeLexicon(DEFAULT_LEXICON, override);
    return {
      override,
      updatedAt: stored?.updatedAt ?? null,
      terms: stored ? merged.terms.length : DEFAULT_LEXICON.terms.length,
      version: stored ? merged.version : DEFAULT_LEXICON.version,
    };
  }

  @Put('classifier/lexicon')
  @RequireScopes('admin')
  @ApiBody({ type: LexiconDto })
  @ApiOkResponse({
    description:
      'Terms added or re-weighted, terms removed, extra hedges, negators and intensifiers; used from the next classification',
  })
  async putLexicon(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: LexiconDto,
  ): Promise<{ override: LexiconOverride; updatedAt: string; terms: number }> {
    const override: LexiconOverride = {
      ...(dto.version !== undefined ? { version: dto.version } : {}),
      ...(dto.terms
        ? { terms: dto.terms.map((t) => ({ term: t.term, signal: t.signal, weight: t.weight })) }
        : {}),
      ...(dto.removeTerms ? { removeTerms: dto.removeTerms } : {}),
      ...(dto.hedges ? { hedges: dto.hedges.map((h) => ({ term: h.term, suppresses: h.suppresses })) } : {}),
      ...(dto.negators ? { negators: dto.negators } : {}),
      ...(dto.intensifiers ? { intensifiers: dto.intensifiers } : {}),
    };
    return this.lexicon.execute(auth.tenantId, override);
  }
}
