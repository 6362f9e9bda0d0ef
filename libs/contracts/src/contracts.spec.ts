import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS, type EventType } from './event-map';
import { loadFixture } from './fixtures';
import { EventValidationError, parseEvent } from './validation';
import { TOPIC_CATALOGUE } from './topics';

const types = Object.keys(EVENTS) as EventType[];

describe('event contracts', () => {
  it('has exactly one fixture per event type', () => {
    const files = readdirSync(join(__dirname, '..', 'fixtures')).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...types].sort());
  });

  it.each(types)('fixture of %s validates against its payload class', (type) => {
    const fixture = loadFixture(type);
    expect(parseEvent(fixture).type).toBe(type);
  });

  it('every event travels on a topic of the catalogue', () => {
    const names = new Set(TOPIC_CATALOGUE.map((t) => t.name));
    for (const t of types) expect(names.has(EVENTS[t].topic)).toBe(true);
  });

  it('rejects an unknown type, a wrong version and an invalid payload with reasons', () => {
    const base = loadFixture('ticket.created');
    expect(() => parseEvent({ ...base, type: 'ticket.exploded' })).toThrow(/unknown event type/);
    expect(() => parseEvent({ ...base, version: 2 })).toThrow(/unsupported version/);
    try {
      parseEvent({ ...base, payload: { ...base.payload, priority: 'P9', ticketId: 'x' } });
      throw new Error('expected a validation error');
    } catch (err) {
      expect(err).toBeInstanceOf(EventValidationError);
      expect((err as EventValidationError).problems.join(' ')).toMatch(/payload\.priority/);
      expect((err as EventValidationError).problems.join(' ')).toMatch(/payload\.ticketId/);
    }
    expect(() => parseEvent('not json')).toThrow(/not a JSON object/);
    expect(() => parseEvent({ ...base, tenantId: '' })).toThrow(/tenantId/);
  });
});
