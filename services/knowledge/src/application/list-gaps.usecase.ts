import { Injectable } from '@nestjs/common';
import { groupGaps } from '../domain/gaps';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import { SelfServiceRepository } from '../infrastructure/self-service.repository';
import { KnowledgeErrorCode, KnowledgeException } from './knowledge.exception';

/** Most recent ticket questions read per request: bounds the grouping work. */
export const MAX_GAP_QUESTIONS = 20_000;
const DAY_MS = 24 * 3600_000;

export interface ListGapsQuery {
  tenantId: string;
  from?: Date;
  to?: Date;
  /** Character-bigram Jaccard at which two phrasings are the same question (0–1], default 0.4. */
  similarity?: number;
  minCount?: number;
  limit?: number;
}

export interface GapItem {
  label: string;
  count: number;
  examples: string[];
  firstAt: string;
  lastAt: string;
  meanBestScore: number;
}

export interface GapsResponse {
  items: GapItem[];
  from: string;
  to: string;
  /** Ticket questions looked at; those whose best article scored below `maxBestScore` are candidates. */
  questions: number;
  maxBestScore: number;
}

/** Frequent customer questions that found no good article (default: the last 30 days). */
@Injectable()
export class ListGapsUseCase {
  constructor(
    private readonly selfService: SelfServiceRepository,
    private readonly settings: KnowledgeSettingsRepository,
  ) {}

  async execute(query: ListGapsQuery): Promise<GapsResponse> {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) throw new KnowledgeException(KnowledgeErrorCode.InvalidRange, 'from must be before to.', 'from');
    const { gapMaxScore } = await this.settings.selfService(query.tenantId);
    const questions = await this.selfService.questions(query.tenantId, from, to, MAX_GAP_QUESTIONS);
    const groups = groupGaps(questions, query.similarity ?? 0.4, { maxBestScore: gapMaxScore, minCount: query.minCount ?? 2 });
    return {
      items: groups.slice(0, query.limit ?? 50).map((g) => ({
        label: g.label,
        count: g.count,
        examples: g.examples,
        firstAt: g.firstAt.toISOString(),
        lastAt: g.lastAt.toISOString(),
        meanBestScore: Math.round(g.meanBestScore * 10_000) / 10_000,
      })),
      from: from.toISOString(),
      to: to.toISOString(),
      questions: questions.length,
      maxBestScore: gapMaxScore,
    };
  }
}
