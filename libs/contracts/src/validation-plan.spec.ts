import { EVENTS, type EventType } from './event-map';
import { loadFixture } from './fixtures';
import { EventValidationError, parseEvent, parseEventThoroughly, passesQuickly } from './validation';

const types = Object.keys(EVENTS) as EventType[];

/** Values that break or bend each kind of constraint the contracts use. */
const REPLACEMENTS: readonly unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'not-a-uuid',
  '7d1f3c2a-5b6e-4c8d-9a0b-1c2d3e4f5a6b',
  '7D1F3C2A-5B6E-4C8D-9A0B-1C2D3E4F5A6B',
  '2026-11-23T08:00:01.000Z',
  '2026-13-45T99:00:00Z',
  'https://crm.example.com/hook',
  'P1',
  'wechat',
  '1',
  'x'.repeat(20_001),
  0,
  1,
  -1,
  1.5,
  1e21,
  true,
  false,
  {},
  [],
  [{}],
  ['a'],
  [1],
  { constructor: 'x' },
];

type Json = Record<string, unknown>;

/** Every event obtained by replacing one value (at any depth, array elements included) of the fixture. */
function mutations(fixture: Json): { path: string; event: Json; value?: unknown }[] {
  const out: { path: string; event: Json; value?: unknown }[] = [];
  const visit = (node: unknown, path: string[]): void => {
    if (typeof node !== 'object' || node === null) return;
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    for (const key of keys) {
      for (const replacement of REPLACEMENTS)
        out.push({
          path: [...path, key].join('.'),
          event: replaced(fixture, [...path, key], replacement),
          value: replacement,
        });
      visit((node as Json)[key], [...path, key]);
    }
  };
  visit(fixture, []);
  out.push({
    path: '(extra key)',
    event: { ...fixture, payload: { ...(fixture['payload'] as Json), unexpected: 'kept' } },
  });
  out.push({
    path: '(constructor key)',
    event: { ...fixture, payload: { ...(fixture['payload'] as Json), constructor: 'x' } },
  });
  out.push({
    path: '(proto key)',
    event: JSON.parse(
      JSON.stringify(fixture).replace('"payload":{', '"payload":{"__proto__":{"x":1},'),
    ) as Json,
  });
  return out;
}

function replaced(fixture: Json, path: string[], value: unknown): Json {
  // Through JSON, as events arrive (and in this realm: the plan only trusts plain objects of its own).
  const copy = JSON.parse(JSON.stringify(fixture)) as Json;
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = JSON.parse(JSON.stringify(value)) as unknown;
  return copy;
}

/** The full path's answer; `crashed` when class-transformer itself throws (it does on a nested `constructor` key). */
function thoroughly(event: Json): 'valid' | 'invalid' | 'crashed' {
  try {
    parseEventThoroughly(event);
    return 'valid';
  } catch (error) {
    return error instanceof EventValidationError ? 'invalid' : 'crashed';
  }
}

describe('the quick validation plan', () => {
  it.each(types)('passes the fixture of %s, as the full validation does', (type) => {
    const fixture = loadFixture(type) as unknown as Json;
    expect(thoroughly(fixture)).toBe('valid');
    expect(passesQuickly(fixture)).toBe(true);
  });

  it.each(types)('never passes a one-value change of %s that the full validation rejects', (type) => {
    const cases = mutations(loadFixture(type) as unknown as Json);
    const unsound: string[] = [];
    const unexplained: string[] = [];
    let rejected = 0;
    let passed = 0;
    for (const { path, event, value } of cases) {
      const full = thoroughly(event);
      const quick = passesQuickly(event);
      const shown = `${path} = ${String(JSON.stringify(value)).slice(0, 40)}`;
      if (full === 'invalid') rejected++;
      if (quick) passed++;
      if (quick && full === 'invalid') unsound.push(shown);
      // Left to the full path on purpose: what plainToInstance converts (a version that is not a number becomes
      // one), and an array where an object is expected, which class-validator walks as a list.
      const leftOnPurpose = (path === 'version' && typeof value !== 'number') || Array.isArray(value);
      if (!quick && full === 'valid' && !leftOnPurpose) unexplained.push(shown);
    }
    expect(unsound).toEqual([]);
    expect(unexplained).toEqual([]);
    // The corpus exercises both answers.
    expect(rejected).toBeGreaterThan(cases.length / 4);
    expect(passed).toBeGreaterThan(10);
  });

  it('passes a payload with a nested `constructor` key, on which class-transformer throws', () => {
    const fixture = loadFixture('message.received');
    const event = { ...fixture, payload: { ...fixture.payload, metadata: { constructor: 'x' } } };
    expect(thoroughly(event as unknown as Json)).toBe('crashed');
    expect(parseEvent(event).payload).toEqual(event.payload);
  });

  it('hands parseEvent the problems of an invalid event from the full path', () => {
    const fixture = loadFixture('ticket.created');
    expect(() => parseEvent({ ...fixture, payload: { ...fixture.payload, ticketId: 'nope' } })).toThrow(
      /payload\.ticketId: ticketId must be a UUID/,
    );
    expect(() =>
      parseEvent({ ...fixture, payload: { ...fixture.payload, sla: { firstResponseDueAt: 5 } } }),
    ).toThrow(/payload\.sla\./);
  });

  it('returns a copy of a valid event, as the full path does', () => {
    const fixture = loadFixture('ticket.routed');
    const parsed = parseEvent(fixture);
    expect(parsed).toEqual(fixture);
    expect(parsed).not.toBe(fixture);
  });
});
