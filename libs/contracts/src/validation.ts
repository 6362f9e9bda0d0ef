import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EventEnvelopeDto, type EventEnvelope } from './envelope';
import { EVENTS, isEventType, type EventType, type PayloadOf } from './event-map';

export type TypedEnvelope<T extends EventType = EventType> = { [K in T]: EventEnvelope<K, PayloadOf<K>> }[T];

export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(`${message}: ${problems.join('; ')}`);
    this.name = 'EventValidationError';
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Parses and validates an event from the wire: envelope, known type and version, payload.
 * Throws EventValidationError with every problem found; the consumer dead-letters it with that reason.
 */
export function parseEvent(raw: unknown): TypedEnvelope {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EventValidationError('invalid envelope', ['not a JSON object']);
  }
  const { payload: rawPayload } = raw as { payload?: unknown };
  // The payload is checked on its own below: copying it into the envelope's instance as well doubled the work.
  const head = typeof rawPayload === 'object' && rawPayload !== null && !Array.isArray(rawPayload) ? { ...raw, payload: {} } : raw;
  const envelope = plainToInstance(EventEnvelopeDto, head);
  const envelopeProblems = flatten(validateSync(envelope));
  if (envelopeProblems.length > 0) throw new EventValidationError('invalid envelope', envelopeProblems);
  if (!isEventType(envelope.type)) throw new EventValidationError('unknown event type', [envelope.type]);
  const definition = EVENTS[envelope.type];
  if (envelope.version !== definition.version) {
    throw new EventValidationError('unsupported version', [`${envelope.type} v${envelope.version}`]);
  }
  const payload = plainToInstance(definition.payload as new () => object, rawPayload as object);
  const payloadProblems = flatten(validateSync(payload, { forbidUnknownValues: true }), 'payload');
  if (payloadProblems.length > 0) throw new EventValidationError(`invalid ${envelope.type} payload`, payloadProblems);
  return { ...(raw as EventEnvelope) } as unknown as TypedEnvelope;
}
