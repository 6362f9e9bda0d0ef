import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TOPICS, type EventEnvelope, type TopicName } from '@helpdesk/contracts';
import { FeedbackErrorCode, FeedbackException, METRICS_INPUT_EVENT_TYPES } from '../domain';
import { replayTopics } from '../infrastructure/kafka-topic-replay';
import { MetricsRepository } from '../infrastructure/metrics.repository';
import { ProjectMetricsEventUseCase } from './project-metrics-event.usecase';

/** Every topic an event of the metrics read model travels on. */
export const METRICS_TOPICS: readonly TopicName[] = [
  TOPICS.triageTickets,
  TOPICS.knowledgeSuggestions,
  TOPICS.feedbackResponses,
];

export interface RebuildMetricsSettings {
  readonly groupPrefix: string;
  readonly timeoutMs: number;
}

export interface RebuildMetricsReport {
  /** null: every tenant. */
  readonly tenantId: string | null;
  readonly groupId: string;
  readonly messagesRead: number;
  readonly eventsApplied: number;
  readonly tookMs: number;
}

const REBUILD_LOCK = 'feedback.metrics-rebuild';

/**
 * Rebuilds the metrics read model from the topics alone: empties it (for one tenant or all),
 * then replays every metrics topic from its first offset with a consumer group never used
 * before, up to the offsets the topics had when it started. The live consumer keeps running:
 * both merge entries by event id, so they cannot disturb each other. One rebuild at a time,
 * across replicas (a Postgres advisory lock).
 */
export class RebuildMetricsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly metrics: MetricsRepository,
    private readonly project: ProjectMetricsEventUseCase,
    private readonly settings: RebuildMetricsSettings,
  ) {}

  async execute(command: { readonly tenantId: string | null }): Promise<RebuildMetricsReport> {
    const started = Date.now();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const locked = (await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS "locked"`, [
        REBUILD_LOCK,
      ])) as Array<{
        locked: boolean;
      }>;
      if (locked[0]?.locked !== true) {
        throw new FeedbackException(
          FeedbackErrorCode.MetricsRebuildRunning,
          'a metrics rebuild is already running',
        );
      }
      try {
        await this.dataSource.transaction((manager) => this.metrics.clear(manager, command.tenantId));
        const groupId = `${this.settings.groupPrefix}feedback.metrics-rebuild.${Date.now()}-${randomUUID().slice(0, 8)}`;
        let eventsApplied = 0;
        const replay = await replayTopics(this.kafka, {
          topics: METRICS_TOPICS,
          groupId,
          timeoutMs: this.settings.timeoutMs,
          apply: async (events) => {
            const relevant = events.filter(
              (event) =>
                (command.tenantId === null || event.tenantId === command.tenantId) && isMetricsEvent(event),
            );
            if (relevant.length === 0) return;
            eventsApplied += await this.dataSource.transaction(async (manager) => {
              let applied = 0;
              for (const event of relevant) if ((await this.project.execute(manager, event)).ok) applied += 1;
              return applied;
            });
          },
        });
        return {
          tenantId: command.tenantId,
          groupId,
          messagesRead: replay.messagesRead,
          eventsApplied,
          tookMs: Date.now() - started,
        };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [REBUILD_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}

function isMetricsEvent(event: EventEnvelope): boolean {
  return (METRICS_INPUT_EVENT_TYPES as readonly string[]).includes(event.type);
}
