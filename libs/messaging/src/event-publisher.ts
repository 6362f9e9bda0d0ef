import { randomUUID } from 'node:crypto';
import type { EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { EVENTS, type EventEnvelope, type EventType, type PayloadOf } from '@helpdesk/contracts';
import { currentCorrelation } from './correlation';

export interface PublishRequest<T extends EventType> {
  type: T;
  tenantId: string;
  aggregateId: string;
  payload: PayloadOf<T>;
  /** The event or request that caused this one; defaults to the ambient correlation context. */
  correlationId?: string;
  causationId?: string | null;
  occurredAt?: Date;
}

/**
 * Writes events to the service's outbox inside the caller's transaction; the relay publishes them.
 * State and event commit together or not at all.
 */
export class EventPublisher {
  constructor(
    private readonly producer: string,
    private readonly schema: string,
    private readonly onAppended: () => void = () => undefined,
  ) {}

  async publish<T extends EventType>(manager: EntityManager, request: PublishRequest<T>): Promise<EventEnvelope<T, PayloadOf<T>>> {
    const [envelope] = await this.publishAll(manager, [request]);
    return envelope as EventEnvelope<T, PayloadOf<T>>;
  }

  async publishAll(manager: EntityManager, requests: PublishRequest<EventType>[]): Promise<EventEnvelope[]> {
    if (requests.length === 0) return [];
    const ambient = currentCorrelation();
    const envelopes: EventEnvelope[] = requests.map((r) => {
      const id = randomUUID();
      return {
        id,
        type: r.type,
        version: EVENTS[r.type].version,
        occurredAt: (r.occurredAt ?? new Date()).toISOString(),
        tenantId: r.tenantId,
        producer: this.producer,
        aggregateId: r.aggregateId,
        correlationId: r.correlationId ?? ambient?.correlationId ?? id,
        causationId: r.causationId !== undefined ? r.causationId : (ambient?.causationId ?? null),
        payload: r.payload,
      };
    });
    const values: unknown[] = [];
    const rows = envelopes.map((e, i) => {
      values.push(e.id, e.tenantId, EVENTS[e.type as EventType].topic, e.aggregateId, e.type, JSON.stringify(e));
      const o = i * 6;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO "${this.schema}"."outbox" ("id", "tenant_id", "topic", "message_key", "event_type", "envelope") VALUES ${rows.join(', ')}`,
      values,
    );
    // Inside a transaction the relay is woken only once it commits (OutboxCommitNotifier): woken
    // earlier, it would find nothing yet and sleep a whole poll interval.
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) (runner.data as Record<string, unknown>)[OUTBOX_APPENDED] = true;
    else this.onAppended();
    return envelopes;
  }
}

const OUTBOX_APPENDED = 'helpdesk.outbox-appended';

/** Wakes the outbox relay after a transaction that appended events has committed. */
export class OutboxCommitNotifier implements EntitySubscriberInterface {
  constructor(private readonly onCommitted: () => void) {}

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // Savepoint releases broadcast too: only the outermost COMMIT makes the rows visible.
    if (event.queryRunner.isTransactionActive) return;
    const data = event.queryRunner.data as Record<string, unknown>;
    if (data[OUTBOX_APPENDED] !== true) return;
    data[OUTBOX_APPENDED] = false;
    this.onCommitted();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) (event.queryRunner.data as Record<string, unknown>)[OUTBOX_APPENDED] = false;
  }
}
