import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConsumerObserver } from '@helpdesk/messaging';

/** One registry per service instance (tests boot several services in one process). */
export class ServiceMetrics implements ConsumerObserver {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly eventsProcessed: Counter<'consumer' | 'type' | 'outcome'>;
  readonly outboxBacklog: Gauge;
  readonly consumerLag: Gauge<'group' | 'topic'>;

  constructor(service: string, collectors: { outboxBacklog?: () => Promise<number>; consumerLag?: () => Promise<Array<{ group: string; topic: string; lag: number }>> } = {}) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.eventsProcessed = new Counter({
      name: 'events_processed_total',
      help: 'Kafka events handled by this service, by outcome',
      labelNames: ['consumer', 'type', 'outcome'],
      registers: [this.registry],
    });
    this.outboxBacklog = new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows not yet published to Kafka',
      registers: [this.registry],
      async collect() {
        if (collectors.outboxBacklog) this.set(await collectors.outboxBacklog().catch(() => -1));
      },
    });
    this.consumerLag = new Gauge({
      name: 'kafka_consumer_lag',
      help: 'Messages not yet consumed, per consumer group and topic',
      labelNames: ['group', 'topic'],
      registers: [this.registry],
      async collect() {
        if (!collectors.consumerLag) return;
        const lags = await collectors.consumerLag().catch(() => []);
        this.reset();
        for (const l of lags) this.set({ group: l.group, topic: l.topic }, l.lag);
      },
    });
  }

  processed(consumer: string, type: string, outcome: 'ok' | 'duplicate' | 'dead-lettered' | 'retried'): void {
    this.eventsProcessed.inc({ consumer, type, outcome });
  }
}
