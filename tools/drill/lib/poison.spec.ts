import { parseEvent, TOPIC_CATALOGUE } from '@helpdesk/contracts';
import { eventTypeOn, poisonRecords } from './poison';

describe('poison records', () => {
  it.each(TOPIC_CATALOGUE.map((t) => t.name))('on %s none of the three can be parsed as an event', (topic) => {
    const records = poisonRecords(topic, 'drill-t', 'run1');
    expect(records.map((r) => r.kind)).toEqual(['invalid-json', 'wrong-version', 'invalid-payload']);
    for (const r of records) {
      expect(r.topic).toBe(topic);
      expect(r.key).toBe(`drill-run1-${r.kind}`);
      expect(() => parseEvent(JSON.parse(r.value) as unknown)).toThrow();
    }
  });

  it('claims a type of the topic, so only the version or the payload is wrong', () => {
    const [, wrongVersion, invalidPayload] = poisonRecords('triage.tickets.v1', 'drill-t', 'run1');
    expect(eventTypeOn('triage.tickets.v1')).toBe('ticket.created');
    expect(JSON.parse(wrongVersion?.value ?? '{}')).toMatchObject({ type: 'ticket.created', version: 99, tenantId: 'drill-t' });
    expect(() => parseEvent(JSON.parse(wrongVersion?.value ?? '{}') as unknown)).toThrow('unsupported version');
    expect(() => parseEvent(JSON.parse(invalidPayload?.value ?? '{}') as unknown)).toThrow('invalid ticket.created payload');
  });
});
