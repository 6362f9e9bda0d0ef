import { randomUUID } from 'node:crypto';
import type { EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { writeBeforeCommit, type Queryable } from '@helpdesk/persistence';
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
    const rows = envelopes.map((e): OutboxInsert => [e.id, e.tenantId, EVENTS[e.type as EventType].topic, e.aggregateId, e.type, JSON.stringify(e)]);
    const runner = manager.queryRunner;
    // Inside a transaction the rows are written once, just before it commits, with the rest of its events.
    await writeBeforeCommit(manager, `outbox:${this.schema}`, rows, (db, all) => insertOutboxRows(db, this.schema, all));
    // Inside a transaction the relay is woken only once it commits (OutboxCommitNotifier): woken
    // earlier, it would find nothing yet and sleep a whole poll interval.
    if (runner?.isTransactionActive) (runner.data as Record<string, unknown>)[OUTBOX_APPENDED] = true;
    else this.onAppended();
    return envelopes;
  }
}

const OUTBOX_APPENDED = 'helpdesk.outbox-appended';

/** id, tenant, topic, message key, event type, envelope JSON. */
type OutboxInsert = [string, string, string, string, string, string];

/** Rows per INSERT: far below PostgreSQL's 65,535 bind parameters. */
const ROWS_PER_INSERT = 1000;

async function insertOutboxRows(db: Queryable, schema: string, rows: readonly OutboxInsert[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const slice = rows.slice(start, start + ROWS_PER_INSERT);
    const placeholders = slice.map((_, i) => {
      const o = i * 6;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}::jsonb)`;
    });
    await db.query(
      `INSERT INTO "${schema}"."outbox" ("id", "tenant_id", "topic", "message_key", "event_type", "envelope") VALUES ${placeholders.join(', ')}`,
      slice.flat(),
    );
  }
}

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
