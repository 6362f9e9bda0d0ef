import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@helpdesk/contracts';
import { readMetricsEvent } from '../domain';
import { MetricsRepository } from '../infrastructure/metrics.repository';

export type ProjectionOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** One event into the metrics read model: logged once and reduced into its ticket's ledger. */
@Injectable()
export class ProjectMetricsEventUseCase {
  constructor(private readonly metrics: MetricsRepository) {}

  async execute(manager: EntityManager, event: EventEnvelope): Promise<ProjectionOutcome> {
    const reading = readMetricsEvent(event);
    if (!reading.ok) return { ok: false, reason: reading.reason };
    await this.metrics.append(manager, reading.event, event);
    return { ok: true };
  }
}
