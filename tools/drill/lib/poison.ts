import { randomUUID } from 'node:crypto';
import { EVENTS, isEventType, loadFixture, type EventType } from '@helpdesk/contracts';

export const POISON_KINDS = ['invalid-json', 'wrong-version', 'invalid-payload'] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

export interface PoisonRecord {
  topic: string;
  kind: PoisonKind;
  key: string;
  value: string;
  /** The event type the envelope claims (none for invalid JSON). */
  eventType: string | null;
}

/** An event type carried on the topic, so the record looks like the topic's own traffic. */
export function eventTypeOn(topic: string): EventType | undefined {
  return (Object.keys(EVENTS) as EventType[]).find((t) => EVENTS[t].topic === topic);
}

function fixturePayload(type: EventType): Record<string, unknown> {
  try {
    const fixture: unknown = loadFixture(type);
    if (typeof fixture === 'object' && fixture !== null && 'payload' in fixture) {
      const payload = fixture.payload;
      if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) return { ...(payload as Record<string, unknown>) };
    }
  } catch {
    // no fixture for this type: an empty payload is just as invalid
  }
  return {};
}

/**
 * Three records no consumer can process: not JSON at all, a known type at a version nobody speaks,
 * and the right type and version with a payload whose fields have the wrong types.
 */
export function poisonRecords(topic: string, tenantId: string, runId: string): PoisonRecord[] {
  const type = eventTypeOn(topic);
  const envelope = (version: number, payload: Record<string, unknown>): Record<string, unknown> => ({
    id: randomUUID(),
    type: type ?? 'unknown.event',
    version,
    occurredAt: new Date().toISOString(),
    tenantId,
    producer: 'drill',
    aggregateId: randomUUID(),
    correlationId: randomUUID(),
    causationId: null,
    payload,
  });
  const validVersion = type && isEventType(type) ? EVENTS[type].version : 1;
  const broken = Object.fromEntries(Object.keys(type ? fixturePayload(type) : {}).map((k) => [k, 12345]));
  return [
    { topic, kind: 'invalid-json', key: `drill-${runId}-invalid-json`, value: '{"id": "truncated', eventType: null },
    { topic, kind: 'wrong-version', key: `drill-${runId}-wrong-version`, value: JSON.stringify(envelope(validVersion + 98, type ? fixturePayload(type) : {})), eventType: type ?? null },
    { topic, kind: 'invalid-payload', key: `drill-${runId}-invalid-payload`, value: JSON.stringify(envelope(validVersion, Object.keys(broken).length > 0 ? broken : { unexpected: true })), eventType: type ?? null },
  ];
}
