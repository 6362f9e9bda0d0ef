import { AsyncLocalStorage } from 'node:async_hooks';
import type { KafkaMessage } from 'kafkajs';

export interface CorrelationContext {
  correlationId: string;
  /** The id of the event (or request) being handled, which becomes the causation of what it emits. */
  causationId: string | null;
  tenantId?: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

export const runWithCorrelation = <T>(context: CorrelationContext, fn: () => T): T => storage.run(context, fn);
export const currentCorrelation = (): CorrelationContext | undefined => storage.getStore();

export const HEADER_CORRELATION_ID = 'correlation-id';
export const HEADER_CAUSATION_ID = 'causation-id';
export const HEADER_EVENT_TYPE = 'event-type';
export const HEADER_TENANT_ID = 'tenant-id';
export const HEADER_DLQ_REASON = 'dlq-reason';

/** A record header as text (the first value when the header was sent more than once), or undefined when absent. */
export function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}
