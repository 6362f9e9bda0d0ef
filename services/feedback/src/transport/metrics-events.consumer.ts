import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EventEnvelope } from '@helpdesk/contracts';
import { PermanentEventError, type EventHandler, type HandlerContext } from '@helpdesk/messaging';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { METRICS_TOPICS } from '../application/rebuild-metrics.usecase';
import { ProjectMetricsEventUseCase } from '../application/project-metrics-event.usecase';
import { METRICS_INPUT_EVENT_TYPES } from '../domain';

/**
 * Feeds the metrics read model: ticket lifecycle, knowledge's auto-answers and feedback's own
 * survey answers, each read back from its topic so that a replay from offset zero rebuilds the
 * same figures. An event the metrics cannot read goes to the dead-letter topic with the reason.
 */
@Injectable()
export class MetricsEventsConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly project: ProjectMetricsEventUseCase,
  ) {}

  onModuleInit(): void {
    const handle = async (event: EventEnvelope, { manager }: HandlerContext): Promise<void> => {
      const outcome = await this.project.execute(manager, event);
      if (!outcome.ok) throw new PermanentEventError(`metrics cannot read ${event.type}: ${outcome.reason}`);
    };
    const handlers = Object.fromEntries(
      METRICS_INPUT_EVENT_TYPES.map((type) => [type, handle as EventHandler<typeof type>]),
    );
    this.infra.addConsumer({ name: 'feedback.metrics', background: true, topics: [...METRICS_TOPICS], handlers });
  }
}
