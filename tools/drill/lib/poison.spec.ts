import { EVENTS, parseEvent, TOPIC_CATALOGUE } from '@helpdesk/contracts';
import { eventTypesOn, poisonKeyPrefix, poisonRecords } from './poison';

describe('poison records', () => {
  it.each(TOPIC_CATALOGUE.map((t) => t.name))('on %s none can be parsed as an event, and every type of the topic is covered', (topic) => {
    const records = poisonRecords(topic, 'drill-t', 'run1');
    const types = eventTypesOn(topic);
    expect(types.length).toBeGreaterThan(0);
    expect(records.filter((r) => r.kind === 'invalid-json')).toHaveLength(1);
    for (const kind of ['wrong-version', 'invalid-payload'] as const) {
      expect(records.filter((r) => r.kind === kind).map((r) => r.eventType)).toEqual(types);
    }
    for (const r of records) {
      expect(r.topic).toBe(topic);
      expect(r.key.startsWith(poisonKeyPrefix('run1', r.kind))).toBe(true);
      expect(() => parseEvent(JSON.parse(r.value) as unknown)).toThrow();
    }
  });

  it('claims a real type and breaks only the version or the payload', () => {
    const records = poisonRecords('triage.tickets.v1', 'drill-t', 'run1');
    const wrongVersion = records.find((r) => r.kind === 'wrong-version' && r.eventType === 'ticket.created');
    const invalidPayload = records.find((r) => r.kind === 'invalid-payload' && r.eventType === 'ticket.created');
    expect(JSON.parse(wrongVersion?.value ?? '{}')).toMatchObject({ type: 'ticket.created', version: EVENTS['ticket.created'].version + 98, tenantId: 'drill-t' });
    expect(() => parseEvent(JSON.parse(wrongVersion?.value ?? '{}') as unknown)).toThrow('unsupported version');
    expect(() => parseEvent(JSON.parse(invalidPayload?.value ?? '{}') as unknown)).toThrow('invalid ticket.created payload');
  });
});
