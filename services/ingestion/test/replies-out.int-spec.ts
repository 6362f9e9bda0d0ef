import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Redis } from 'ioredis';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createTenantKey, expectEventually, testInfrastructure } from '@helpdesk/testing';
import { computeWeChatSignature } from '../src/domain/channels/wechat/wechat-signature';
import { buildWeChatXml } from '../src/domain/channels/wechat/wechat-xml.builder';
import { verifyWebhookSignature } from '../src/domain/channels/webhook/webhook-signature';
import {
  IngestionTestApp,
  query,
  writeServiceLog,
  ReplyRequester,
  tenantName,
  type Json,
} from './support/ingestion-test-app';
import { buildMail } from './support/test-mail';

/**
 * Replies triage asks for (`reply.requested` on Kafka, fixture shape) go out over the
 * conversation's channel to real local receivers: an SMTP server, a WeChat API stand-in and
 * partner webhooks; failures are retried with back-off and dead-lettered, never dropped.
 */
jest.setTimeout(30_000);

const SMTP_PORT = 4811;
const HTTP_PORT = 4812;
const MAX_ATTEMPTS = 3;

let svc: IngestionTestApp;
let key: string;
const tenant = tenantName('out');
const requester = new ReplyRequester();
const received: ParsedMail[] = [];
let smtp: SMTPServer;
let http: Server;
const wechatAppId = `wx${randomBytes(8).toString('hex')}`;
const wechatToken = `tok-${randomUUID().slice(0, 8)}`;
const webhookSecret = randomBytes(16).toString('hex');

interface HttpHit {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}
const hits: HttpHit[] = [];
/** The recovering webhook fails the first two deliveries of each reply (by its Idempotency-Key). */
const flakyFailures = new Map<string, number>();

function startHttpStandIn(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${HTTP_PORT}`);
      hits.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      switch (url.pathname) {
        // The WeChat Official Account API as the customer-service client calls it.
        case '/cgi-bin/token':
          return json(200, { access_token: `token-${randomUUID()}`, expires_in: 7200 });
        case '/cgi-bin/message/custom/send':
          return json(200, { errcode: 0, errmsg: 'ok', msgid: 1000 + hits.length });
        // Partner webhooks: one always down, one that recovers after two failures.
        case '/hooks/down':
          return json(503, { error: 'maintenance' });
        case '/hooks/flaky':
          {
            const key = String(req.headers['idempotency-key']);
            const failed = flakyFailures.get(key) ?? 0;
            if (failed < 2) {
              flakyFailures.set(key, failed + 1);
              return json(503, { error: 'busy' });
            }
          }
          return json(200, { ok: true });
        default:
          return json(404, {});
      }
    });
  });
  return new Promise((resolve) => server.listen(HTTP_PORT, '127.0.0.1', () => resolve(server)));
}

function startSmtpReceiver(): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  return new Promise((resolve) => server.listen(SMTP_PORT, '127.0.0.1', () => resolve(server)));
}

const putAccount = async (channel: string, name: string, json: Json): Promise<void> => {
  const res = await svc.call(`/v1/channel-accounts/${channel}/${name}`, { method: 'PUT', key, json });
  expect(res.status).toBe(201);
};

async function outboundOf(conversationId: string, replyId: string): Promise<Json> {
  return expectEventually(async () => {
    const items = (await svc.call(`/v1/conversations/${conversationId}/messages`, { key })).body
      .items as Json[];
    const reply = items.find((m) => m.direction === 'outbound' && m.replyId === replyId);
    expect(reply).toBeDefined();
    return reply as Json;
  });
}

async function messageWhen(id: string, status: string): Promise<Json> {
  return expectEventually(async () => {
    const message = (await svc.call(`/v1/messages/${id}`, { key })).body;
    expect(message.deliveryStatus).toBe(status);
    return message;
  });
}

beforeAll(async () => {
  [smtp, http] = await Promise.all([startSmtpReceiver(), startHttpStandIn()]);
  key = await createTenantKey(tenant);
  svc = await IngestionTestApp.start(4802, {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(SMTP_PORT),
    SMTP_IGNORE_TLS: 'true',
    SMTP_FROM: 'support@helpdesk.test',
    WECHAT_API_BASE_URL: `http://127.0.0.1:${HTTP_PORT}`,
    DELIVERY_POLL_MS: '100',
    DELIVERY_RETRY_BASE_MS: '100',
    DELIVERY_RETRY_MAX_MS: '1000',
    DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    DELIVERY_TIMEOUT_MS: '3000',
    WECHAT_INBOX_POLL_MS: '200',
  });
  // Threading must come from the headers or the subject reference, not from the open-conversation rule.
  expect(
    (
      await svc.call('/v1/settings/conversations', {
        method: 'PUT',
        key,
        json: { continuityHours: 0, acrossChannels: false },
      })
    ).status,
  ).toBe(200);
  await putAccount('wechat', 'main', {
    settings: { appId: wechatAppId },
    secrets: { token: { value: wechatToken }, appSecret: { value: 'app-secret-for-tests' } },
  });
  await putAccount('webhook', 'partner', {
    settings: { url: `http://127.0.0.1:${HTTP_PORT}/hooks/down`, channels: ['web'] },
    secrets: { secret: { value: webhookSecret } },
  });
  await putAccount('webhook', 'app', {
    settings: { url: `http://127.0.0.1:${HTTP_PORT}/hooks/flaky`, channels: ['app'] },
    secrets: { secret: { value: webhookSecret } },
  });
}, 120_000);

afterAll(async () => {
  await requester.close();
  await svc?.stop();
  if (svc) writeServiceLog('replies-out', svc.logs());
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await new Promise<void>((resolve) => http?.close(() => resolve()));
}, 30_000);

describe('replies out', () => {
  it('an e-mail reply arrives at the SMTP receiver threaded under the customer mail, and shows delivered', async () => {
    const customerMessageId = `<${randomUUID()}@mail.example.cn>`;
    const rootId = `<${randomUUID()}@mail.example.cn>`;
    const inbound = await svc.call('/v1/channels/email/inbound', {
      method: 'POST',
      key,
      body: buildMail({
        from: 'zhaoliu@example.cn',
        fromName: '赵六',
        subject: '回复：退款进度',
        text: '请问退款什么时候到账？',
        messageId: customerMessageId,
        references: [rootId],
        inReplyTo: rootId,
      }),
      headers: { 'content-type': 'message/rfc822' },
    });
    expect(inbound.status).toBe(202);
    const ticketId = randomUUID();
    const replyId = await requester.request(tenant, {
      conversationId: inbound.body.conversationId as string,
      customerId: inbound.body.customerId as string,
      channel: 'email',
      ticketId,
      body: '您好，退款已在处理中，预计 3 个工作日内到账。',
    });
    const mail = await expectEventually(() => {
      const found = received.find((m) => m.inReplyTo === customerMessageId);
      expect(found).toBeDefined();
      return found as ParsedMail;
    });
    expect(mail.to).toMatchObject({ value: [{ address: 'zhaoliu@example.cn' }] });
    expect(mail.from).toMatchObject({ value: [{ address: 'support@helpdesk.test' }] });
    expect(mail.inReplyTo).toBe(customerMessageId);
    expect(mail.references).toEqual([rootId, customerMessageId]);
    expect(mail.subject).toBe(`Re: 退款进度 [#TK-${ticketId.slice(0, 8)}]`);

    const reply = await outboundOf(inbound.body.conversationId as string, replyId);
    const delivered = await messageWhen(reply.id as string, 'delivered');
    expect(delivered).toMatchObject({
      direction: 'outbound',
      channel: 'email',
      deliveryAttempts: 1,
      externalMessageId: mail.messageId,
    });
    expect((delivered.delivery as Json).attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'delivered' }),
    ]);
    const events = await query(
      `SELECT 1 FROM "ingestion"."outbox" WHERE "tenant_id" = $1 AND "event_type" = 'message.delivered' AND "envelope"->'payload'->>'messageId' = $2`,
      [tenant, reply.id],
    );
    expect(events).toHaveLength(1);

    // The customer answers from a client that drops the threading headers: the subject reference still threads it.
    const answer = await svc.call('/v1/channels/email/inbound', {
      method: 'POST',
      key,
      body: buildMail({
        from: 'zhaoliu@example.cn',
        subject: `Re: ${mail.subject ?? ''}`,
        text: '好的，谢谢',
        messageId: `<${randomUUID()}@mail.example.cn>`,
      }),
      headers: { 'content-type': 'message/rfc822' },
    });
    expect(answer.body.conversationId).toBe(inbound.body.conversationId);
  });

  it('a WeChat reply reaches the customer-service API stand-in for the OpenID, with the access token cached in Redis', async () => {
    const openId = `oOut_${randomBytes(9).toString('base64url')}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '4242';
    const signature = computeWeChatSignature(wechatToken, timestamp, nonce);
    const push = await svc.call(
      `/v1/channels/wechat/${tenant}?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: buildWeChatXml({
          ToUserName: 'gh_out',
          FromUserName: openId,
          CreateTime: Number(timestamp),
          MsgType: 'text',
          Content: '我的订单在哪里',
          MsgId: '88001',
        }),
      },
    );
    expect(push.text).toBe('success');
    const customer = await expectEventually(async () => {
      const res = await svc.call(`/v1/customers?wechatOpenId=${openId}`, { key });
      expect((res.body.conversations as Json[] | undefined)?.length).toBe(1);
      return res.body;
    });
    const conversationId = (customer.conversations as Json[])[0].id as string;
    const sendsBefore = hits.filter((h) => h.path === '/cgi-bin/message/custom/send').length;
    const first = await requester.request(tenant, {
      conversationId,
      customerId: customer.id as string,
      channel: 'wechat',
      body: '您好，订单已发货。',
    });
    const second = await requester.request(tenant, {
      conversationId,
      customerId: customer.id as string,
      channel: 'wechat',
      body: '快递单号 SF123456。',
    });
    for (const replyId of [first, second])
      await messageWhen((await outboundOf(conversationId, replyId)).id as string, 'delivered');
    const sends = hits.filter((h) => h.path === '/cgi-bin/message/custom/send').slice(sendsBefore);
    expect(
      sends
        .map((h) => JSON.parse(h.body) as Json)
        .sort((a, b) => String(a.text).localeCompare(String(b.text))),
    ).toEqual(
      expect.arrayContaining([
        { touser: openId, msgtype: 'text', text: { content: '您好，订单已发货。' } },
        { touser: openId, msgtype: 'text', text: { content: '快递单号 SF123456。' } },
      ]),
    );
    // One token for both messages: fetched once, then served from Redis.
    const tokenCalls = hits.filter(
      (h) => h.path === '/cgi-bin/token' && h.query.get('appid') === wechatAppId,
    );
    expect(tokenCalls).toHaveLength(1);
    const redis = new Redis({
      host: testInfrastructure().redis.host,
      port: testInfrastructure().redis.port,
      lazyConnect: true,
    });
    await redis.connect();
    try {
      const cached = await redis.get(`ingestion:wechat:access-token:${wechatAppId}`);
      expect(sends.every((h) => h.query.get('access_token') === cached)).toBe(true);
      expect(await redis.ttl(`ingestion:wechat:access-token:${wechatAppId}`)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('a partner webhook that keeps failing is retried with back-off, then dead-lettered, never dropped', async () => {
    const inbound = await svc.call('/v1/messages', {
      method: 'POST',
      key,
      json: {
        channel: 'web',
        customer: { email: `web-${randomUUID().slice(0, 6)}@example.cn` },
        body: '网页表单提交的问题',
      },
    });
    expect(inbound.status).toBe(202);
    const replyId = await requester.request(tenant, {
      conversationId: inbound.body.conversationId as string,
      customerId: inbound.body.customerId as string,
      channel: 'web',
      body: '已收到，我们会尽快处理。',
    });
    const reply = await outboundOf(inbound.body.conversationId as string, replyId);
    const failed = await messageWhen(reply.id as string, 'failed');
    expect(failed.deliveryAttempts).toBe(MAX_ATTEMPTS);
    expect(failed.deliveryError).toContain('http-503');
    expect(((failed.delivery as Json).attempts as Json[]).map((a) => a.outcome)).toEqual([
      'retry',
      'retry',
      'failed',
    ]);
    const deliveries = hits.filter(
      (h) => h.path === '/hooks/down' && h.headers['idempotency-key'] === reply.id,
    );
    expect(deliveries).toHaveLength(MAX_ATTEMPTS);
    for (const d of deliveries) {
      expect(
        verifyWebhookSignature(webhookSecret, d.body, d.headers['x-signature'], Math.floor(Date.now() / 1000))
          .valid,
      ).toBe(true);
      expect(JSON.parse(d.body)).toMatchObject({ type: 'reply', replyId, body: '已收到，我们会尽快处理。' });
    }
    const events = await query<{ final: string; attempts: string }>(
      `SELECT "envelope"->'payload'->>'final' AS "final", "envelope"->'payload'->>'attempts' AS "attempts" FROM "ingestion"."outbox"
       WHERE "tenant_id" = $1 AND "event_type" = 'message.delivery-failed' AND "envelope"->'payload'->>'messageId' = $2 ORDER BY "seq"`,
      [tenant, reply.id],
    );
    const metrics = await svc.call('/metrics');
    expect(metrics.text).toMatch(
      /reply_delivery_attempts_total\{[^}]*channel="web"[^}]*outcome="failed"[^}]*\} [1-9]/,
    );
    expect(events).toEqual([
      { final: 'false', attempts: '1' },
      { final: 'false', attempts: '2' },
      { final: 'true', attempts: '3' },
    ]);
  });

  it('a partner webhook that recovers gets the reply on a later attempt, which then shows delivered', async () => {
    const inbound = await svc.call('/v1/messages', {
      method: 'POST',
      key,
      json: { channel: 'app', customer: { phone: '13600001111' }, body: 'App 里无法付款' },
    });
    const replyId = await requester.request(tenant, {
      conversationId: inbound.body.conversationId as string,
      customerId: inbound.body.customerId as string,
      channel: 'app',
      body: '请更新到最新版本后重试。',
    });
    const reply = await outboundOf(inbound.body.conversationId as string, replyId);
    const delivered = await messageWhen(reply.id as string, 'delivered');
    expect(delivered.deliveryAttempts).toBe(3);
    expect(((delivered.delivery as Json).attempts as Json[]).map((a) => a.outcome)).toEqual([
      'retry',
      'retry',
      'delivered',
    ]);
  });

  it('the same reply requested twice is delivered once', async () => {
    const inbound = await svc.call('/v1/messages', {
      method: 'POST',
      key,
      json: { channel: 'app', customer: { phone: '13600002222' }, body: '重复请求测试' },
    });
    const payload = {
      conversationId: inbound.body.conversationId as string,
      customerId: inbound.body.customerId as string,
      channel: 'app' as const,
      body: '只应送达一次',
    };
    const replyId = await requester.request(tenant, payload);
    await requester.request(tenant, { ...payload, replyId });
    const reply = await outboundOf(inbound.body.conversationId as string, replyId);
    await messageWhen(reply.id as string, 'delivered');
    const rows = await query<{ n: string }>(
      `SELECT count(*) AS n FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "reply_id" = $2`,
      [tenant, replyId],
    );
    expect(rows[0].n).toBe('1');
    // Every delivery attempt the partner saw is of that one message (the endpoint fails the first two of each).
    const keys = hits
      .filter((h) => h.path === '/hooks/flaky' && h.body.includes(replyId))
      .map((h) => h.headers['idempotency-key']);
    expect(keys).toEqual([reply.id, reply.id, reply.id]);
  });

  it('a reply for a phone conversation, which has no text channel back, is dead-lettered at once with the reason', async () => {
    const call = await svc.call('/v1/channels/phone/events', {
      method: 'POST',
      key,
      json: {
        callId: `out-${randomUUID()}`,
        event: 'voicemail',
        from: '13500003333',
        to: '4008001234',
        at: new Date().toISOString(),
        transcript: '请回电',
      },
    });
    const outcome = (call.body.outcomes as Json[])[0];
    const replyId = await requester.request(tenant, {
      conversationId: outcome.conversationId as string,
      customerId: outcome.customerId as string,
      channel: 'phone',
      body: '已安排回电',
    });
    const reply = await outboundOf(outcome.conversationId as string, replyId);
    const failed = await messageWhen(reply.id as string, 'failed');
    expect(failed).toMatchObject({
      deliveryAttempts: 1,
      deliveryError: expect.stringContaining('no-outbound-channel') as string,
    });
  });
});
