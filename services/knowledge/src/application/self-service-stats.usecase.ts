import { Injectable } from '@nestjs/common';
import { SelfServiceRepository } from '../infrastructure/self-service.repository';
import { KnowledgeErrorCode, KnowledgeException } from './knowledge.exception';

const DAY_MS = 24 * 3600_000;

export interface SelfServiceStats {
  from: string;
  to: string;
  /** Tickets whose question knowledge saw. */
  questions: number;
  /** Of those, simple questions by the tenant's priorities and categories. */
  simpleQuestions: number;
  /** Automatic answers proposed. */
  proposed: number;
  /** Sent and not settled yet (the customer may still write). */
  awaiting: number;
  /** Resolved without a person. */
  deflected: number;
  /** A person was needed after all. */
  escalated: number;
  /** deflected / simpleQuestions (0 when there were none). */
  deflectionRate: number;
  /** deflected / (deflected + escalated): how often a settled automatic answer solved it. */
  answerSuccessRate: number;
}

/** What self-service answered and deflected in a window (default: the last 30 days). */
@Injectable()
export class SelfServiceStatsUseCase {
  constructor(private readonly selfService: SelfServiceRepository) {}

  async execute(tenantId: string, range: { from?: Date; to?: Date }): Promise<SelfServiceStats> {
    const to = range.to ?? new Date();
    const from = range.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) throw new KnowledgeException(KnowledgeErrorCode.InvalidRange, 'from must be before to.', 'from');
    const c = await this.selfService.counts(tenantId, from, to);
    const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      ...c,
      deflectionRate: ratio(c.deflected, c.simpleQuestions),
      answerSuccessRate: ratio(c.deflected, c.deflected + c.escalated),
    };
  }
}
