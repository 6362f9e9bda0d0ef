import { AsyncLocalStorage } from 'node:async_hooks';

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
