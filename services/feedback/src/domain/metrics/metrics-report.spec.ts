import { FeedbackException } from '../feedback.exception';
import { buildWeeklyReport, reportWeek, toCsv } from './metrics-report';
import { TicketFacts } from './ticket-facts';

const ms = (iso: string): number => Date.parse(iso);

function ticket(overrides: Partial<TicketFacts> & Pick<TicketFacts, 'ticketId'>): TicketFacts {
  return {
    tenantId: 'acme',
    createdAtMs: null,
    channel: null,
    priority: null,
    queue: null,
    agentId: null,
    classified: false,
    priorityCorrected: false,
    firstResponse: null,
    agentReplies: 0,
    agentRepliesBeforeFirstResolution: 0,
    firstResolvedAtMs: null,
    reopenedAfterFirstResolutionAtMs: null,
    resolution: null,
    sla: {
      firstResponse: { dueAtMs: null, breached: false, stoppedAtMs: null },
      resolution: { dueAtMs: null, breached: false, stoppedAtMs: null },
    },
    autoAnsweredAtMs: null,
    surveys: [],
    ...overrides,
  };
}

// Week 2026-W47 in Asia/Shanghai: Monday 11-16 00:00 +08:00 = 11-15 16:00Z, to 11-22 16:00Z.
const facts: TicketFacts[] = [
  ticket({
    ticketId: 'A',
    createdAtMs: ms('2026-11-15T16:30:00Z'), // Monday 00:30 in Shanghai: inside the week
    agentId: '=HYPERLINK("x")',
    firstResponse: { atMs: ms('2026-11-15T17:00:00Z'), wallMinutes: 30, businessMinutes: 0 },
    surveys: [{ surveyId: 's', atMs: ms('2026-11-16T01:00:00Z'), csat: 4, nps: 10 }],
  }),
  ticket({ ticketId: 'B', createdAtMs: ms('2026-11-15T15:30:00Z'), agentId: 'li, "wei"' }), // Sunday 23:30 in Shanghai: week before
  ticket({ ticketId: 'C', createdAtMs: ms('2026-11-22T15:59:00Z'), agentId: 'li, "wei"' }), // Sunday 23:59 in Shanghai: inside
];

describe('reportWeek', () => {
  it('runs Monday to Monday in the tenant time zone', () => {
    expect(reportWeek(new Date('2026-11-18T12:00:00Z'))).toEqual({
      from: new Date('2026-11-15T16:00:00Z'),
      to: new Date('2026-11-22T16:00:00Z'),
      week: '2026-W47',
    });
    // Sunday 17:00 UTC is already Monday in Shanghai, but still Sunday in London.
    expect(reportWeek(new Date('2026-11-22T17:00:00Z')).week).toBe('2026-W48');
    expect(reportWeek(new Date('2026-11-22T17:00:00Z'), 'Europe/London').week).toBe('2026-W47');
  });

  it('rejects an unknown time zone with a typed error', () => {
    expect(() => reportWeek(new Date('2026-11-18T12:00:00Z'), 'Mars/Olympus')).toThrow(FeedbackException);
  });
});

describe('weekly report', () => {
  const report = buildWeeklyReport(facts, { weekOf: new Date('2026-11-18T00:00:00Z'), groupBy: 'agent' });

  it('counts tickets by the local week and carries the week label', () => {
    expect(report).toMatchObject({
      week: '2026-W47',
      timeZone: 'Asia/Shanghai',
      from: '2026-11-15T16:00:00.000Z',
      to: '2026-11-22T16:00:00.000Z',
    });
    expect(report.overall.volume).toBe(2);
    expect(report.groups.map((g) => [g.key, g.figures.volume])).toEqual([
      ['=HYPERLINK("x")', 1],
      ['li, "wei"', 1],
    ]);
  });

  it('writes CSV with one row per group and an overall row, quoting and defusing formulas', () => {
    const lines = toCsv(report).split('\r\n');
    expect(lines[0]?.startsWith('from,to,group_by,group,volume,first_response_wall_p50_min,')).toBe(true);
    expect(lines).toHaveLength(5); // header, two groups, overall, trailing empty line
    expect(lines[1]).toMatch(
      /^2026-11-15T16:00:00\.000Z,2026-11-22T16:00:00\.000Z,agent,"'=HYPERLINK\(""x""\)",1,30,30,0,0,1,/u,
    );
    expect(lines[2]).toMatch(/^[^,]+,[^,]+,agent,"li, ""wei""",1,,,,,0,/u);
    expect(lines[3]).toMatch(/,agent,overall,2,30,30,0,0,1,/u);
    const header = lines[0]?.split(',') ?? [];
    const overall = lines[3]?.split(',') ?? [];
    expect(overall[header.indexOf('csat_mean')]).toBe('4');
    expect(overall[header.indexOf('nps')]).toBe('100');
    expect(overall[header.indexOf('sla_compliance_pct')]).toBe('');
  });
});
