import { randomUUID } from 'node:crypto';
import { EVENTS, loadFixture, type EventType } from '@helpdesk/contracts';

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

/** Every event type carried on the topic. */
export function eventTypesOn(topic: string): EventType[] {
  return (Object.keys(EVENTS) as EventType[]).filter((t) => EVENTS[t].topic === topic);
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

/** The key prefix of a run's poison records of one kind: a dead letter's key tells which record it was. */
export const poisonKeyPrefix = (runId: string, kind: PoisonKind): string => `drill-${runId}-${kind}`;

/**
 * Records no consumer can process: one that is not JSON at all, and for every event type the topic
 * carries, one at a version nobody speaks and one at the right version whose payload fields have
 * the wrong types. Consumers skip the types they do not act on, so every type is covered: each
 * consumer of the topic must dead-letter the broken records of the types it acts on.
 */
export function poisonRecords(topic: string, tenantId: string, runId: string): PoisonRecord[] {
  const envelope = (type: string, version: number, payload: Record<string, unknown>): Record<string, unknown> => ({
    id: randomUUID(),
    type,
    version,
    occurredAt: new Date().toISOString(),
    tenantId,
    producer: 'drill',
    aggregateId: randomUUID(),
    correlationId: randomUUID(),
    causationId: null,
    payload,
  });
  const records: PoisonRecord[] = [
    { topic, kind: 'invalid-json', key: poisonKeyPrefix(runId, 'invalid-json'), value: '{"id": "truncated', eventType: null },
  ];
  for (const type of eventTypesOn(topic)) {
    const payload = fixturePayload(type);
    // Every field a string where the contract wants something else, or a number where it wants a string.
    const broken = Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? 12345 : 'not-valid']));
    const version = EVENTS[type].version;
    records.push(
      { topic, kind: 'wrong-version', key: `${poisonKeyPrefix(runId, 'wrong-version')}-${type}`, value: JSON.stringify(envelope(type, version + 98, payload)), eventType: type },
      {
        topic,
        kind: 'invalid-payload',
        key: `${poisonKeyPrefix(runId, 'invalid-payload')}-${type}`,
        value: JSON.stringify(envelope(type, version, Object.keys(broken).length > 0 ? broken : { unexpected: true })),
        eventType: type,
      },
    );
  }
  return records;
}
