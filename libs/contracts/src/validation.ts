import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EventEnvelopeDto, type EventEnvelope } from './envelope';
import { EVENTS, isEventType, type EventType, type PayloadOf } from './event-map';
import { passesValidation } from './validation-plan';

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
  if (passesQuickly(raw)) return { ...(raw as EventEnvelope) } as unknown as TypedEnvelope;
  return parseEventThoroughly(raw);
}

/** The full path: class instances and every problem worded. parseEvent takes it whenever the quick check is not sure. */
export function parseEventThoroughly(raw: object): TypedEnvelope {
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

/** parseEvent's decision for a valid event, without instances and error objects; false means "take the full path". */
export function passesQuickly(raw: object): boolean {
  const { type, version, payload } = raw as { type?: unknown; version?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !isEventType(type)) return false;
  const definition = EVENTS[type];
  return version === definition.version && passesValidation(EventEnvelopeDto, raw) && passesValidation(definition.payload, payload);
}
