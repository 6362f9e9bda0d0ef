import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTenantKey, expectEventually, REPO_ROOT, serviceTestEnv } from '@helpdesk/testing';
import {
  call,
  EventProducer,
  inboxConsumer,
  sql,
  startFeedback,
  type Json,
  type RunningFeedback,
} from './feedback-test-kit';
import { metricsFixtureStream, unreadableEventIds } from './metrics-fixture-stream';

/**
 * Metrics from the event stream: the fixture stream of the domain spec, published to the real
 * topics, gives exactly the hand-computed figures over HTTP; emptying the read model and
 * replaying the topics from offset zero (HTTP admin endpoint and the `rebuild-metrics` command)
 * gives the same figures again.
 */
jest.setTimeout(120_000);

const tenant = `fb-metrics-${randomUUID().slice(0, 8)}`;
let key: string;
let feedback: RunningFeedback;
const producer = new EventProducer();
const stream = metricsFixtureStream(tenant);
const unreadable = new Set(unreadableEventIds(stream));
const readableIds = new Set(stream.filter((event) => !unreadable.has(event.id)).map((event) => event.id));

const RANGE = 'from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&asOf=2026-12-01T00:00:00Z';

/** Hand-computed in the domain spec (metrics.calculator.spec.ts); reasoning repeated briefly here. */
const EXPECTED_OVERALL = {
  // Created in range: T1 T2 T3 T4 T5 T6 T7 T8 T10 (T9 was created 11-13).
  volume: 9,
  firstResponseMinutes: {
    // First agent replies in range: 10 20 30 45 60 60 120 → nearest rank 4th = 45, 7th = 120.
    wallClock: { count: 7, p50: 45, p90: 120 },
    business: { count: 7, p50: 30, p90: 60 },
  },
  resolutionMinutes: {
    // 30 60 90 120 180 960 960 1620 4320 (T4: 1680 − 720 paused) → 5th 180, 9th 4320.
    wallClock: { count: 9, p50: 180, p90: 4320 },
    business: { count: 9, p50: 150, p90: 1440 },
  },
  // Breached: T2 (first response), T7 (resolution), T8 (first response); T4 paused, no breach → 6 of 9.
  slaCompliance: {
    numerator: 6,
    denominator: 9,
    percent: 66.67,
    firstResponse: { numerator: 6, denominator: 8, percent: 75 },
    resolution: { numerator: 7, denominator: 8, percent: 87.5 },
  },
  // Not FCR: T3 (reopened 20 h later), T6 (two agent replies) → 6 of 8 (T5 is self-service).
  firstContactResolution: { numerator: 6, denominator: 8, percent: 75, pendingWindow: 0 },
  // CSAT 5 2 3 4 4 1 5 (s6 counted once) → 24 / 7; 4–5: 4 of 7.
  csat: { responses: 7, mean: 3.43, satisfied: { numerator: 4, denominator: 7, percent: 57.14 } },
  // NPS 10 3 9 9 8 0 9 6 → (4 promoters − 3 detractors) / 8.
  nps: { responses: 8, promoters: 4, passives: 1, detractors: 3, score: 12.5 },
  // T5 deflected, T6 answered by an agent.
  deflection: { numerator: 1, denominator: 2, percent: 50 },
  // T4 and T7 corrected of 9 classified.
  priorityCorrection: { numerator: 2, denominator: 9, percent: 22.22 },
};

async function metrics(query: string): Promise<Json> {
  const res = await call(feedback.baseUrl, `/v1/metrics?${query}`, { key });
  expect(res.status).toBe(200);
  return res.body;
}

async function figuresByChannel(): Promise<Json> {
  return metrics(`${RANGE}&groupBy=channel`);
}

async function corruptReadModel(): Promise<void> {
  // Half the tenant's tickets vanish from the read model: only the topics can bring them back.
  await sql(
    `DELETE FROM "feedback"."metrics_ticket_ledgers" WHERE "tenant_id" = $1 AND "ticket_id" IN (
       SELECT "ticket_id" FROM "feedback"."metrics_ticket_ledgers" WHERE "tenant_id" = $1 ORDER BY "ticket_id" LIMIT 5)`,
    [tenant],
  );
  const body = await metrics(RANGE);
  expect((body.overall as Json).volume).not.toBe(9);
}

beforeAll(async () => {
  key = await createTenantKey(tenant, ['admin']);
  feedback = await startFeedback(4402);
  // These tickets were resolved days ago; they must not be surveyed by any instance.
  const off = await call(feedback.baseUrl, '/v1/survey-settings', {
    method: 'PUT',
    key,
    json: { enabled: false, delaySeconds: 0, validityHours: 1 },
  });
  expect(off.status).toBe(200);
  await producer.publish(stream);
  await expectEventually(
    async () => {
      const rows = await sql<{ n: string }>(
        `SELECT count(DISTINCT "event_id") AS n FROM "feedback"."inbox" WHERE "consumer" = $1 AND "tenant_id" = $2`,
        [inboxConsumer('feedback.metrics'), tenant],
      );
      expect(Number(rows[0]?.n)).toBe(readableIds.size);
    },
    { timeoutMs: 60_000 },
  );
}, 180_000);

afterAll(async () => {
  await feedback?.process.stop();
  await producer.close();
}, 60_000);

describe('GET /v1/metrics over the fixture stream, range [11-16, 11-23) UTC', () => {
  it('gives the hand-computed overall figures', async () => {
    const body = await metrics(RANGE);
    expect(body).toMatchObject({
      from: '2026-11-16T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
      asOf: '2026-12-01T00:00:00.000Z',
      groupBy: null,
    });
    expect(body.overall).toEqual(EXPECTED_OVERALL);
  });

  it('gives the hand-computed figures per channel', async () => {
    const body = await figuresByChannel();
    const groups = body.groups as Array<{ key: string | null; figures: Json }>;
    expect(groups.map((group) => group.key)).toEqual(['email', 'wechat']);
    const [email, wechat] = groups.map((group) => group.figures);
    // email: T3 T4 T6 T8 T10.
    expect(email).toMatchObject({
      volume: 5,
      firstResponseMinutes: {
        wallClock: { count: 4, p50: 60, p90: 120 },
        business: { count: 4, p50: 30, p90: 60 },
      },
      resolutionMinutes: {
        wallClock: { count: 4, p50: 180, p90: 1620 },
        business: { count: 4, p50: 150, p90: 600 },
      },
      slaCompliance: { numerator: 4, denominator: 5, percent: 80 },
      firstContactResolution: { numerator: 2, denominator: 4, percent: 50 },
      csat: { responses: 2, mean: 3.5, satisfied: { percent: 50 } },
      nps: { responses: 3, promoters: 1, passives: 1, detractors: 1, score: 0 },
      deflection: { numerator: 0, denominator: 1, percent: 0 },
      priorityCorrection: { numerator: 1, denominator: 5, percent: 20 },
    });
    // wechat: T1 T2 T5 T7 (+T9 resolved in range).
    expect(wechat).toMatchObject({
      volume: 4,
      firstResponseMinutes: { wallClock: { count: 3, p50: 30, p90: 45 } },
      resolutionMinutes: {
        wallClock: { count: 5, p50: 120, p90: 4320 },
        business: { count: 5, p50: 120, p90: 1440 },
      },
      slaCompliance: {
        numerator: 2,
        denominator: 4,
        percent: 50,
        firstResponse: { numerator: 2, denominator: 3 },
      },
      firstContactResolution: { numerator: 4, denominator: 4, percent: 100 },
      csat: { responses: 5, mean: 3.4, satisfied: { numerator: 3, denominator: 5, percent: 60 } },
      nps: { responses: 5, promoters: 3, passives: 0, detractors: 2, score: 20 },
      deflection: { numerator: 1, denominator: 1, percent: 100 },
      priorityCorrection: { numerator: 1, denominator: 4, percent: 25 },
    });
  });

  it('groups by current priority, agent and queue', async () => {
    const byPriority = (await metrics(`${RANGE}&groupBy=priority`)).groups as Array<{
      key: string | null;
      figures: Json;
    }>;
    expect(
      byPriority.map((g) => [g.key, g.figures.volume, (g.figures.priorityCorrection as Json).numerator]),
    ).toEqual([
      ['P1', 3, 1],
      ['P2', 3, 0],
      ['P3', 3, 1],
    ]);
    const byAgent = (await metrics(`${RANGE}&groupBy=agent`)).groups as Array<{
      key: string | null;
      figures: Json;
    }>;
    expect(byAgent.map((g) => [g.key, g.figures.volume])).toEqual([
      ['a1', 4],
      ['a2', 4],
      [null, 1],
    ]);
    const byQueue = (await metrics(`${RANGE}&groupBy=queue`)).groups as Array<{
      key: string | null;
      figures: Json;
    }>;
    expect(
      byQueue.map((g) => [
        g.key,
        (g.figures.firstContactResolution as Json).numerator,
        (g.figures.firstContactResolution as Json).denominator,
      ]),
    ).toEqual([
      ['billing', 2, 4],
      ['tech', 4, 4],
      [null, 0, 0],
    ]);
  });

  it('leaves first-contact resolutions inside their 7-day window pending when asked as of the end of the range', async () => {
    const body = await metrics('from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&asOf=2026-11-23T06:00:00Z');
    expect((body.overall as Json).firstContactResolution).toEqual({
      numerator: 1,
      denominator: 3,
      percent: 33.33,
      pendingWindow: 5,
    });
  });

  it('counts the unreadable survey event nowhere: it went to the dead-letter topic', async () => {
    const [id] = [...unreadable];
    const rows = await sql(`SELECT 1 FROM "feedback"."ticket_event_log" WHERE "event_id" = $1`, [id]);
    expect(rows).toHaveLength(0);
  });
});

describe('the weekly report', () => {
  it('reports ISO week 2026-W47 (UTC) with the same figures as JSON', async () => {
    const res = await call(
      feedback.baseUrl,
      '/v1/metrics/weekly?week=2026-W47&timeZone=UTC&asOf=2026-12-01T00:00:00Z',
      { key },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      week: '2026-W47',
      timeZone: 'UTC',
      from: '2026-11-16T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
    });
    expect(res.body.overall).toEqual(EXPECTED_OVERALL);
  });

  it('exports it as CSV, one row per channel and an overall row', async () => {
    const res = await call(
      feedback.baseUrl,
      '/v1/metrics/weekly?week=2026-W47&timeZone=UTC&asOf=2026-12-01T00:00:00Z&format=csv&groupBy=channel',
      { key },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const [header, ...rows] = res.text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows.map((row) => row[3])).toEqual(['email', 'wechat', 'overall']);
    const overall = Object.fromEntries((header ?? []).map((name, i) => [name, rows[2]?.[i]]));
    expect(overall).toMatchObject({
      group_by: 'channel',
      volume: '9',
      first_response_wall_p50_min: '45',
      resolution_wall_p90_min: '4320',
      sla_compliance_pct: '66.67',
      fcr_pct: '75',
      csat_mean: '3.43',
      nps: '12.5',
      deflection_pct: '50',
      priority_correction_pct: '22.22',
    });
  });
});

describe('bad metrics queries', () => {
  it('answers an unusable range, grouping or format with 400 naming the parameter, and checks scopes', async () => {
    const writer = await createTenantKey(tenant, ['feedback:write']);
    const reader = await createTenantKey(tenant, ['metrics:read']);
    const cases: Array<[string, string, number, string | null]> = [
      ['/v1/metrics?groupBy=colour', key, 400, 'groupBy'],
      ['/v1/metrics?from=2026-11-23&to=2026-11-16', key, 400, 'to'],
      ['/v1/metrics?from=last-week', key, 400, 'from'],
      ['/v1/metrics?from=2020-01-01&to=2026-01-01', key, 400, 'from'],
      ['/v1/metrics?asOf=tomorrow', key, 400, 'asOf'],
      ['/v1/metrics?unknown=1', key, 400, 'unknown'],
      ['/v1/metrics/weekly?week=2026-W60', key, 400, 'week'],
      ['/v1/metrics/weekly?week=2026-W47&format=xlsx', key, 400, 'format'],
      ['/v1/metrics/weekly?week=2026-W47&timeZone=Mars/Olympus', key, 400, 'timeZone'],
      ['/v1/metrics', writer, 403, null],
    ];
    for (const [path, apiKey, status, field] of cases) {
      const res = await call(feedback.baseUrl, path, { key: apiKey });
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (field !== null)
        expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
    }
    expect(
      (await call(feedback.baseUrl, '/v1/metrics/rebuild', { method: 'POST', key: reader })).status,
    ).toBe(403);
  });
});

describe('rebuilding the read model from offset zero', () => {
  it('gives the same figures after POST /v1/metrics/rebuild', async () => {
    const before = await figuresByChannel();
    await corruptReadModel();
    const started = await call(feedback.baseUrl, '/v1/metrics/rebuild', { method: 'POST', key });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ tenantId: tenant, status: 'running', report: null });
    const rebuildId = String(started.body.rebuildId);
    // One rebuild at a time: a second request while it runs is refused, or (if it already ended) starts anew.
    const second = await call(feedback.baseUrl, '/v1/metrics/rebuild', { method: 'POST', key });
    expect([202, 409]).toContain(second.status);
    const done = await expectEventually(
      async () => {
        const status = await call(feedback.baseUrl, `/v1/metrics/rebuild/${rebuildId}`, { key });
        expect(status.status).toBe(200);
        expect(status.body.status).toBe('completed');
        return status.body;
      },
      { timeoutMs: 60_000 },
    );
    if (second.status === 202) {
      await expectEventually(
        async () => expect((await call(feedback.baseUrl, `/v1/metrics/rebuild/${String(second.body.rebuildId)}`, { key })).body.status).toBe('completed'),
        { timeoutMs: 60_000 },
      );
    }
    expect(done.report).toMatchObject({
      tenantId: tenant,
      groupId: expect.stringContaining('feedback.metrics-rebuild.') as string,
    });
    // Every readable event of the stream, redelivered duplicates included, was replayed.
    expect((done.report as Json).eventsApplied).toBe(stream.length - unreadable.size);
    expect((await call(feedback.baseUrl, `/v1/metrics/rebuild/${randomUUID()}`, { key })).status).toBe(404);
    expect((await call(feedback.baseUrl, '/v1/metrics/rebuild/not-a-uuid', { key })).status).toBe(400);
    expect(await figuresByChannel()).toEqual(before);
    expect((await metrics(RANGE)).overall).toEqual(EXPECTED_OVERALL);
    const logged = await sql<{ n: string }>(
      `SELECT count(*) AS n FROM "feedback"."ticket_event_log" WHERE "tenant_id" = $1`,
      [tenant],
    );
    expect(Number(logged[0]?.n)).toBe(readableIds.size);
  });

  it('gives the same figures after `main.js rebuild-metrics --tenant`', async () => {
    const before = await figuresByChannel();
    await corruptReadModel();
    const run = promisify(execFile);
    const { stderr } = await run(
      process.execPath,
      [
        '--no-warnings',
        join(REPO_ROOT, 'services', 'feedback', 'dist', 'src', 'main.js'),
        'rebuild-metrics',
        '--tenant',
        tenant,
      ],
      {
        env: { ...process.env, ...serviceTestEnv('feedback', { LOG_LEVEL: 'info' }) },
      },
    ).catch((error: unknown) => {
      throw new Error(`rebuild-metrics failed: ${String(error)}`);
    });
    expect(stderr).toBe('');
    expect(await figuresByChannel()).toEqual(before);
  });
});
