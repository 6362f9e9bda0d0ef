import { majorityLabel, scoreLabels } from '../src/domain/classification';
import {
  TriageApi,
  datasetRows,
  mapLimit,
  disconnectProducer,
  newTenant,
  sendMessage,
  startTriage,
  type Json,
  type RunningTriage,
} from './support/triage-harness';

/**
 * The tenant-trainable model through the API: trained on tickets-en-endava/train, stored with its held-out
 * figures, used by classification, and better than always answering the majority class on dev.
 */
let triage: RunningTriage;
let api: TriageApi;
let tenantId: string;

beforeAll(async () => {
  const tenant = await newTenant('train');
  tenantId = tenant.tenantId;
  // The dev set is scored through the API: well above the default per-key rate limit.
  triage = await startTriage(4331, {
    RATE_LIMIT_PER_KEY_PER_MINUTE: '100000',
    RATE_LIMIT_PER_TENANT_PER_MINUTE: '100000',
  });
  api = new TriageApi(triage.baseUrl, tenant.key);
}, 120_000);

afterAll(async () => {
  await disconnectProducer();
  await triage.close();
}, 60_000);

const text = (row: Json, field: string): string => (typeof row[field] === 'string' ? row[field] : '');

describe('training the tenant classifier', () => {
  it('learns priority from tickets-en-endava/train and beats the majority-class baseline on dev', async () => {
    const train = datasetRows('tickets-en-endava', 'train');
    const examples = train.map((r) => ({
      ...(text(r, 'subject') ? { subject: text(r, 'subject') } : {}),
      body: text(r, 'body'),
      priority: text(r, 'priority'),
    }));
    const idempotencyKey = `train-${tenantSuffix()}`;
    const trained = await api.call(
      'POST',
      '/v1/classifier/training',
      { examples },
      { 'idempotency-key': idempotencyKey },
    );
    expect(trained.status).toBe(201);
    const figures = (
      trained.body.figures as {
        priority: Json & { macroF1: number; majorityBaseline: { macroF1: number }; heldOutExamples: number };
      }
    ).priority;
    expect(trained.body).toMatchObject({ version: 1, examples: train.length, corrections: 0 });
    expect(trained.body.modelVersion).toMatch(/^rules:lexicon-1\+priority:priority-[0-9a-f]{8}$/);
    expect(figures.labels).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(figures.heldOutExamples).toBeGreaterThan(500);
    expect(figures.macroF1).toBeGreaterThan(figures.majorityBaseline.macroF1);

    // Stored and shown.
    const shown = await api.ok('GET', '/v1/classifier');
    expect(shown).toMatchObject({
      version: 1,
      modelVersion: trained.body.modelVersion,
      figures: trained.body.figures,
      history: [{ version: 1, priorityMacroF1: figures.macroF1 }],
    });
    // The same request again is answered from the first, without training a second version.
    const replay = await api.call(
      'POST',
      '/v1/classifier/training',
      { examples },
      { 'idempotency-key': idempotencyKey },
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.version).toBe(1);

    // Classification now runs the tenant's model: measured on dev through POST /v1/classify.
    const dev = datasetRows('tickets-en-endava', 'dev');
    const predicted = await mapLimit(dev, 8, async (r) => {
      const c = await api.ok('POST', '/v1/classify', {
        ...(text(r, 'subject') ? { subject: text(r, 'subject') } : {}),
        body: text(r, 'body'),
        language: 'en',
      });
      expect(c.modelVersion).toBe(trained.body.modelVersion);
      return c.priority as string;
    });
    const gold = dev.map((r) => text(r, 'priority'));
    const model = scoreLabels(gold, predicted);
    const majority = majorityLabel(train.map((r) => text(r, 'priority')));
    const baseline = scoreLabels(
      gold,
      gold.map(() => majority),
    );
    process.stdout.write(
      `endava dev through the API: macro-F1 ${model.macroF1.toFixed(3)} (accuracy ${model.accuracy.toFixed(3)}) vs majority "${majority}" ${baseline.macroF1.toFixed(3)}; held-out ${figures.macroF1} vs ${figures.majorityBaseline.macroF1}\n`,
    );
    expect(model.macroF1).toBeGreaterThan(baseline.macroF1);
  }, 300_000);

  it('trains again from recorded corrections added to new examples, as a new version', async () => {
    // A person moves a ticket to a queue no example names: only the correction can teach that label.
    await api.ok('PUT', '/v1/queues/returns', { name: 'Returns', skills: [] });
    const { customerId } = await sendMessage({ tenantId, body: 'I want to send the blender back for a return', language: 'en', channel: 'web' });
    const ticket = await api.awaitTicketOf(customerId);
    const corrected = await api.call('PATCH', `/v1/tickets/${String(ticket.id)}`, { queue: 'returns', reason: 'this is a return' });
    expect(corrected.status).toBe(200);

    const queues = ['billing', 'shipping'];
    const examples = Array.from({ length: 24 }, (_, i) => ({
      body:
        i % 2 === 0
          ? `refund for invoice ${i} was charged twice`
          : `parcel ${i} delivery is late, where is my package`,
      queue: queues[i % 2] ?? 'billing',
    }));
    const trained = await api.call('POST', '/v1/classifier/training', { examples });
    expect(trained.status).toBe(201);
    expect(trained.body).toMatchObject({
      version: 2,
      examples: 24,
      corrections: 1,
      figures: { priority: null, skipped: { priority: 'no example has a priority label' } },
    });
    expect([...(trained.body.figures as { queue: { labels: string[] } }).queue.labels].sort()).toEqual([
      'billing',
      'returns',
      'shipping',
    ]);
    const classified = await api.ok('POST', '/v1/classify', {
      body: 'my parcel delivery is late',
      language: 'en',
    });
    expect(classified.category).toBe('shipping');
    expect((classified.reasons as Json[]).map((r) => r.signal)).toContain('category-model');
  }, 120_000);
});

function tenantSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
