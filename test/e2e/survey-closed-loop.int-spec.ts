import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import {
  ServiceProcess,
  createTenantKey,
  expectEventually,
  superuserClient,
  callJson as call,
  type Json,
} from '@helpdesk/testing';

/**
 * The closed loop over real processes, Kafka, PostgreSQL and Redis (issue 6 acceptance): a customer
 * writes through a partner's web channel, an agent answers and resolves on triage, feedback sends the
 * survey back over that channel (ingestion delivers it to a local partner-webhook stand-in), the
 * customer answers 1 through the link that arrived, and triage opens a follow-up in the complaints
 * queue linked both ways to the original. The same answer sent again changes nothing.
 */
jest.setTimeout(60_000);

const INGESTION_PORT = 4901;
const TRIAGE_PORT = 4902;
const FEEDBACK_PORT = 4904;
const PARTNER_PORT = 4911;

const feedback = new ServiceProcess('feedback', FEEDBACK_PORT, {
  SURVEY_POLL_INTERVAL_MS: '200',
  PUBLIC_BASE_URL: `http://127.0.0.1:${FEEDBACK_PORT}`,
});
const ingestion = new ServiceProcess('ingestion', INGESTION_PORT, {
  DELIVERY_POLL_MS: '100',
  DELIVERY_RETRY_BASE_MS: '100',
  DELIVERY_RETRY_MAX_MS: '1000',
  DELIVERY_TIMEOUT_MS: '3000',
});
const triage = new ServiceProcess('triage', TRIAGE_PORT, {
  SLA_POLL_INTERVAL_MS: '500',
  DISPATCH_SWEEP_INTERVAL_MS: '1000',
});
const all = [ingestion, triage, feedback];

const tenant = `e2e-loop-${randomUUID().slice(0, 8)}`;
const webhookSecret = randomBytes(16).toString('hex');
const agentId = 'loop-agent';
let key: string;
let partner: Server | undefined;

/** What the partner's reply webhook received: the customer sees exactly these. */
interface Delivery {
  headers: IncomingHttpHeaders;
  payload: Json;
}
const deliveries: Delivery[] = [];

function startPartnerStandIn(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/hooks/replies') {
        try {
          deliveries.push({
            headers: req.headers,
            payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json,
          });
        } catch {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      res.writeHead(404).end();
    });
  });
  return new Promise((resolve) => server.listen(PARTNER_PORT, '127.0.0.1', () => resolve(server)));
}

async function ok(base: string, method: string, path: string, json?: unknown): Promise<Json> {
  const res = await call(base, path, { method, key, json });
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const ticket = (id: string): Promise<Json> => ok(triage.baseUrl, 'GET', `/v1/tickets/${id}`);
const ticketsOf = async (customerId: string): Promise<Json[]> =>
  (await ok(triage.baseUrl, 'GET', `/v1/tickets?customerId=${customerId}&limit=200`)).items as Json[];
const eventsOf = (t: Json, type: string): Json[] =>
  (t.events as Array<{ type: string; data: Json }>).filter((e) => e.type === type).map((e) => e.data);

/** The first delivery to the partner that matches, once ingestion has sent it. */
function deliveredTo(match: (payload: Json) => boolean, timeoutMs = 30_000): Promise<Delivery> {
  return expectEventually(
    () => {
      const found = deliveries.find((d) => match(d.payload));
      expect(found).toBeDefined();
      return found as Delivery;
    },
    { timeoutMs },
  );
}

async function feedbackOutboxCount(type: string, ticketId: string): Promise<number> {
  const client = superuserClient();
  await client.connect();
  try {
    const rows = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "feedback"."outbox" WHERE "tenant_id" = $1 AND "event_type" = $2 AND "envelope"->'payload'->>'ticketId' = $3`,
      [tenant, type, ticketId],
    );
    return Number(rows.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  partner = await startPartnerStandIn();
  key = await createTenantKey(tenant);
  await Promise.all(all.map((s) => s.start()));
  // The partner relays its web chat: replies for 'web' conversations go to its signed webhook.
  const account = await call(ingestion.baseUrl, '/v1/channel-accounts/webhook/partner', {
    method: 'PUT',
    key,
    json: {
      settings: { url: `http://127.0.0.1:${PARTNER_PORT}/hooks/replies`, channels: ['web'] },
      secrets: { secret: { value: webhookSecret } },
    },
  });
  expect(account.status).toBe(201);
  // Surveys go out as soon as the ticket is resolved.
  const settings = await call(feedback.baseUrl, '/v1/survey-settings', {
    method: 'PUT',
    key,
    json: { enabled: true, delaySeconds: 0, validityHours: 168 },
  });
  expect(settings.status).toBe(200);
  await ok(triage.baseUrl, 'PUT', `/v1/agents/${agentId}`, {
    name: 'Loop Agent',
    skills: [{ skill: 'general', level: 4 }],
    languages: ['zh', 'en'],
    channels: ['web', 'app', 'email', 'wechat', 'phone', 'social', 'api'],
    maxConcurrent: 10,
    status: 'online',
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(all.map((s) => s.stop()));
  await new Promise<void>((resolve) => (partner ? partner.close(() => resolve()) : resolve()));
}, 60_000);

describe('survey closed loop', () => {
  const email = `loop-${randomUUID().slice(0, 8)}@example.cn`;
  let customerId: string;
  let originalId: string;
  let token: string;
  let surveyId: string;
  let followUpId: string;
  let followUpTicketId: string;

  it('a customer message on the web channel becomes a ticket on triage', async () => {
    const accepted = await call(ingestion.baseUrl, '/v1/messages', {
      method: 'POST',
      key,
      json: {
        channel: 'web',
        customer: { email, name: '钱七' },
        subject: '退款',
        body: '退款申请提交一周了还没到账',
      },
    });
    expect(accepted.status).toBe(202);
    customerId = accepted.body.customerId as string;
    originalId = await expectEventually(
      async () => {
        const message = await ok(
          ingestion.baseUrl,
          'GET',
          `/v1/messages/${accepted.body.messageId as string}`,
        );
        expect(typeof message.ticketId).toBe('string');
        return message.ticketId as string;
      },
      { timeoutMs: 30_000 },
    );
    expect(await ticket(originalId)).toMatchObject({
      customerId,
      conversationId: accepted.body.conversationId,
      channel: 'web',
      followUpOf: null,
      linkedTicketId: null,
    });
  });

  it("the agent's reply reaches the partner, and resolving the ticket sends the survey the same way", async () => {
    await ok(triage.baseUrl, 'POST', `/v1/tickets/${originalId}/replies`, {
      body: '您好，退款已重新提交，3 个工作日内到账。',
      agentId,
    });
    const reply = await deliveredTo(
      (p) => p.ticketId === originalId && p.body === '您好，退款已重新提交，3 个工作日内到账。',
    );
    expect(reply.payload).toMatchObject({ type: 'reply', channel: 'web', customerId });
    await ok(triage.baseUrl, 'POST', `/v1/tickets/${originalId}/resolve`, {});
    expect((await ticket(originalId)).status).toBe('resolved');

    const survey = await deliveredTo(
      (p) => p.ticketId === originalId && String(p.body).includes('/v1/surveys/'),
    );
    expect(survey.headers['x-signature']).toEqual(expect.any(String));
    expect(survey.payload).toMatchObject({ type: 'reply', channel: 'web', customerId });
    const body = String(survey.payload.body);
    const link = new RegExp(`http://127\\.0\\.0\\.1:${FEEDBACK_PORT}/v1/surveys/([A-Za-z0-9._-]+)`, 'u').exec(
      body,
    );
    expect(link).not.toBeNull();
    token = (link as RegExpExecArray)[1];
    surveyId = survey.payload.replyId as string;
    // Ingestion records the survey as delivered on the conversation.
    await expectEventually(async () => {
      const message = await ok(
        ingestion.baseUrl,
        'GET',
        `/v1/messages/${survey.payload.messageId as string}`,
      );
      expect(message).toMatchObject({
        direction: 'outbound',
        deliveryStatus: 'delivered',
        ticketId: originalId,
      });
    });
    const view = await call(feedback.baseUrl, `/v1/surveys/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ surveyId, ticketId: originalId, status: 'open', answer: null });
    // One survey per ticket.
    expect(
      deliveries.filter(
        (d) => d.payload.ticketId === originalId && String(d.payload.body).includes('/v1/surveys/'),
      ),
    ).toHaveLength(1);
  });

  it('answering 1 opens a follow-up in the complaints queue, linked both ways with the original', async () => {
    const answered = await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, {
      method: 'POST',
      json: { csat: 1 },
    });
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ surveyId, ticketId: originalId, csat: 1, answeredVia: 'link' });
    followUpId = answered.body.followUpId as string;
    expect(typeof followUpId).toBe('string');

    const followUp = await expectEventually(
      async () => {
        const found = (await ticketsOf(customerId)).filter((t) => t.followUpOf === originalId);
        expect(found).toHaveLength(1);
        return found[0];
      },
      { timeoutMs: 30_000 },
    );
    followUpTicketId = followUp.id as string;
    expect(followUp).toMatchObject({
      queue: 'complaints',
      category: 'complaint',
      priority: 'P2',
      prioritySource: 'follow-up',
      channel: 'web',
      customerId,
      conversationId: (await ticket(originalId)).conversationId,
    });
    const inComplaints = (await ok(triage.baseUrl, 'GET', '/v1/tickets?queue=complaints&limit=200'))
      .items as Json[];
    expect(inComplaints.map((t) => t.id)).toContain(followUpTicketId);

    // The loop is visible on both tickets.
    const original = await ticket(originalId);
    expect(original.linkedTicketId).toBe(followUpTicketId);
    expect(original.status).toBe('resolved');
    expect(eventsOf(original, 'follow-up.opened')).toEqual([
      expect.objectContaining({ ticketId: followUpTicketId, followUpId, sourceId: surveyId }),
    ]);
    const detail = await ticket(followUpTicketId);
    expect(eventsOf(detail, 'ticket.created')).toEqual([
      expect.objectContaining({ followUpOf: originalId, followUpId, sourceId: surveyId }),
    ]);
  });

  it('the same answer again returns the stored answer and opens no second follow-up', async () => {
    const again = await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, {
      method: 'POST',
      json: { csat: 1 },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ surveyId, ticketId: originalId, csat: 1, followUpId });
    // Nothing new left feedback, so nothing can reach triage.
    expect(await feedbackOutboxCount('survey.completed', originalId)).toBe(1);
    expect(await feedbackOutboxCount('follow-up.requested', originalId)).toBe(1);
    const view = await call(feedback.baseUrl, `/v1/surveys/${token}`);
    expect(view.body).toMatchObject({ status: 'answered', answer: { csat: 1, followUpId } });
    const tickets = await ticketsOf(customerId);
    expect(tickets.map((t) => t.id).sort()).toEqual([originalId, followUpTicketId].sort());
    expect((await ticket(originalId)).linkedTicketId).toBe(followUpTicketId);
  });
});
