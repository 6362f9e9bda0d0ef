import { randomUUID } from 'node:crypto';
import type { EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { bindStatement, writeBeforeCommit, type DeferredStatements } from '@helpdesk/persistence';
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
  private readonly outboxRows: DeferredStatements<OutboxInsert>;

  constructor(
    private readonly producer: string,
    private readonly schema: string,
    private readonly onAppended: () => void = () => undefined,
  ) {
    this.outboxRows = outboxStatements(schema);
  }

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
    await writeBeforeCommit(manager, `outbox:${this.schema}`, rows, this.outboxRows);
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

/** The rows in one INSERT, in the order given (their `seq` is the order the relay publishes in). */
function outboxStatements(schema: string): DeferredStatements<OutboxInsert> {
  return {
    statements: (rows, bind) => [
      bindStatement(
        `INSERT INTO "${schema}"."outbox" ("id", "tenant_id", "topic", "message_key", "event_type", "envelope")
         SELECT r.id, r.tenant_id, r.topic, r.message_key, r.event_type, r.envelope
           FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::jsonb[])
                WITH ORDINALITY AS r(id, tenant_id, topic, message_key, event_type, envelope, n)
          ORDER BY r.n`,
        [0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])),
        bind,
      ),
    ],
  };
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
