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

export type RebuildState = 'running' | 'completed' | 'failed';

/** What `GET /v1/metrics/rebuild/{id}` shows of a rebuild started over HTTP. */
export interface RebuildStatus {
  readonly rebuildId: string;
  readonly tenantId: string;
  readonly status: RebuildState;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly report: RebuildMetricsReport | null;
  readonly error: string | null;
}

/** Where rebuild statuses are kept between the request that starts one and those that ask after it. */
export interface RebuildStatusStore {
  save(status: RebuildStatus, ttlSeconds: number): Promise<void>;
  find(tenantId: string, rebuildId: string): Promise<RebuildStatus | null>;
}

const FINISHED_STATUS_TTL_SECONDS = 7 * 24 * 3600;

interface HeldLock {
  release(): Promise<void>;
}

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
    private readonly statuses?: RebuildStatusStore,
  ) {}

  /** Rebuilds and waits for the result (the `rebuild-metrics` command). */
  async execute(command: { readonly tenantId: string | null }): Promise<RebuildMetricsReport> {
    const started = Date.now();
    const lock = await this.lock();
    try {
      return await this.replay(command, started);
    } finally {
      await lock.release();
    }
  }

  /**
   * Starts a rebuild and returns at once: a replay of long topics outlives any HTTP timeout. The
   * lock is taken before answering, so a second request while one runs is refused with 409.
   */
  async start(command: { readonly tenantId: string }): Promise<RebuildStatus> {
    const statuses = this.statuses;
    if (!statuses) throw new Error('no rebuild status store configured');
    const started = Date.now();
    const lock = await this.lock();
    const running: RebuildStatus = {
      rebuildId: randomUUID(),
      tenantId: command.tenantId,
      status: 'running',
      startedAt: new Date(started).toISOString(),
      finishedAt: null,
      report: null,
      error: null,
    };
    // A running status outlives the replay's own time limit by a minute, then lapses if this replica died.
    const runningTtl = Math.ceil(this.settings.timeoutMs / 1000) + 60;
    try {
      await statuses.save(running, runningTtl);
    } catch (err) {
      await lock.release();
      throw err;
    }
    void this.replay(command, started)
      .then(
        (report) => ({ ...running, status: 'completed' as const, report }),
        (err: unknown) => ({
          ...running,
          status: 'failed' as const,
          error: err instanceof Error ? err.message : String(err),
        }),
      )
      .then((finished) =>
        statuses.save({ ...finished, finishedAt: new Date().toISOString() }, FINISHED_STATUS_TTL_SECONDS),
      )
      .catch(() => undefined)
      .finally(() => void lock.release());
    return running;
  }

  async status(tenantId: string, rebuildId: string): Promise<RebuildStatus> {
    const found = await this.statuses?.find(tenantId, rebuildId);
    if (!found)
      throw new FeedbackException(
        FeedbackErrorCode.MetricsRebuildNotFound,
        `no metrics rebuild ${rebuildId}`,
      );
    return found;
  }

  /** One rebuild at a time across replicas: a session advisory lock on a connection of its own. */
  private async lock(): Promise<HeldLock> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const locked = (await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS "locked"`, [
        REBUILD_LOCK,
      ])) as Array<{ locked: boolean }>;
      if (locked[0]?.locked !== true) {
        throw new FeedbackException(
          FeedbackErrorCode.MetricsRebuildRunning,
          'a metrics rebuild is already running',
        );
      }
    } catch (err) {
      await runner.release();
      throw err;
    }
    return {
      release: async () => {
        try {
          await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [REBUILD_LOCK]);
        } finally {
          await runner.release();
        }
      },
    };
  }

  private async replay(
    command: { readonly tenantId: string | null },
    started: number,
  ): Promise<RebuildMetricsReport> {
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
  }
}

function isMetricsEvent(event: EventEnvelope): boolean {
  return (METRICS_INPUT_EVENT_TYPES as readonly string[]).includes(event.type);
}
