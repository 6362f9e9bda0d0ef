import { FeedbackException } from '../feedback.exception';
import { entrySpan, parseIsoWeek, parseMetricsQuery, previousIsoWeek } from './metrics-query';

const now = new Date('2026-11-25T06:00:00Z');

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof FeedbackException) return error.errors.map((e) => e.field);
    throw error;
  }
  return [];
}

describe('parseMetricsQuery', () => {
  it('reads instants, dates and a grouping, and computes as of now', () => {
    expect(
      parseMetricsQuery({ from: '2026-11-16', to: '2026-11-23T00:00:00Z', groupBy: 'channel' }, now),
    ).toEqual({
      from: new Date('2026-11-16T00:00:00Z'),
      to: new Date('2026-11-23T00:00:00Z'),
      groupBy: 'channel',
      asOf: now,
    });
  });

  it('defaults to the 30 days up to now without grouping', () => {
    expect(parseMetricsQuery({}, now)).toEqual({
      from: new Date('2026-10-26T06:00:00Z'),
      to: now,
      groupBy: null,
      asOf: now,
    });
  });

  it('judges the figures as of a given time for a reproducible report', () => {
    expect(
      parseMetricsQuery({ from: '2026-11-16', to: '2026-11-23', asOf: '2026-12-01T00:00:00Z' }, now).asOf,
    ).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(fieldsOf(() => parseMetricsQuery({ asOf: 'later' }, now))).toEqual(['asOf']);
  });

  it('names each bad field', () => {
    expect(fieldsOf(() => parseMetricsQuery({ from: 'yesterday', groupBy: 'colour' }, now))).toEqual([
      'from',
      'groupBy',
    ]);
    expect(fieldsOf(() => parseMetricsQuery({ from: '2026-11-23', to: '2026-11-16' }, now))).toEqual(['to']);
    expect(fieldsOf(() => parseMetricsQuery({ from: '2024-01-01', to: '2026-01-01' }, now))).toEqual([
      'from',
    ]);
    expect(fieldsOf(() => parseMetricsQuery({ to: ['2026-11-16'] }, now))).toEqual(['to']);
  });
});

describe('ISO weeks', () => {
  it('starts a week on Monday 00:00 in China time', () => {
    expect(parseIsoWeek('2026-W47')).toEqual(new Date('2026-11-15T16:00:00Z'));
    expect(parseIsoWeek('2026-W47', 'UTC')).toEqual(new Date('2026-11-16T00:00:00Z'));
  });

  it('accepts week 53 only in a year that has one', () => {
    expect(parseIsoWeek('2026-W53', 'UTC')).toEqual(new Date('2026-12-28T00:00:00Z'));
    expect(fieldsOf(() => parseIsoWeek('2025-W53'))).toEqual(['week']);
    expect(fieldsOf(() => parseIsoWeek('2026-W00'))).toEqual(['week']);
    expect(fieldsOf(() => parseIsoWeek('2026-47'))).toEqual(['week']);
    expect(fieldsOf(() => parseIsoWeek(undefined))).toEqual(['week']);
  });

  it('names the last complete week', () => {
    expect(previousIsoWeek(new Date('2026-11-25T06:00:00Z'))).toBe('2026-W47');
  });
});

describe('entrySpan', () => {
  it('reaches out to the SLA deadlines an entry announces', () => {
    const span = entrySpan({
      kind: 'created',
      atMs: 1000,
      channel: 'wechat',
      priority: 'P2',
      queue: null,
      sla: { firstResponseDueAtMs: 5000, resolutionDueAtMs: 9000 },
    });
    expect(span).toEqual({ startMs: 1000, endMs: 9000 });
    expect(entrySpan({ kind: 'sla-breached', atMs: 7000, clock: 'resolution', dueAtMs: 6000 })).toEqual({
      startMs: 7000,
      endMs: 7000,
    });
  });
});
