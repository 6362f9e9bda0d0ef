import { randomBytes, randomUUID } from 'node:crypto';
import { createTenantKey, expectEventually } from '@helpdesk/testing';
import { WeChatCrypto } from '../src/domain/channels/wechat/wechat-crypto';
import {
  computeWeChatMsgSignature,
  computeWeChatSignature,
} from '../src/domain/channels/wechat/wechat-signature';
import { buildWeChatXml, type WeChatXmlValue } from '../src/domain/channels/wechat/wechat-xml.builder';
import {
  IngestionTestApp,
  query,
  writeServiceLog,
  tenantName,
  type Json,
} from './support/ingestion-test-app';
import { buildMail } from './support/test-mail';

/**
 * Every inbound channel in its own protocol against real PostgreSQL, Redis and Kafka: raw MIME
 * e-mail (GBK), WeChat pushes (plaintext and safe mode), CTI call events, and the one customer
 * they all resolve to.
 */
jest.setTimeout(30_000);

const EMAIL_LIMIT = 1_500_000;
let svc: IngestionTestApp;
let key: string;
const tenant = tenantName('in');
const wechatToken = `tok-${randomUUID().slice(0, 8)}`;
const encodingAesKey = randomBytes(32).toString('base64').slice(0, 43);
const appId = `wx${randomBytes(8).toString('hex')}`;

const openId = (): string => `oTest_${randomBytes(9).toString('base64url')}`;
const msgId = (): string => String(BigInt(`0x${randomBytes(7).toString('hex')}`));

function signedQuery(
  token = wechatToken,
  extra: Record<string, string> = {},
): { query: string; timestamp: string; nonce: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const params = new URLSearchParams({
    signature: computeWeChatSignature(token, timestamp, nonce),
    timestamp,
    nonce,
    ...extra,
  });
  return { query: params.toString(), timestamp, nonce };
}

const pushXml = (from: string, fields: Record<string, WeChatXmlValue>): string =>
  buildWeChatXml({
    ToUserName: 'gh_test_account',
    FromUserName: from,
    CreateTime: Math.floor(Date.now() / 1000),
    ...fields,
  });

async function pushPlain(xml: string, token = wechatToken): Promise<{ status: number; text: string }> {
  const { query: q } = signedQuery(token);
  const res = await svc.call(`/v1/channels/wechat/${tenant}?${q}`, {
    method: 'POST',
    body: xml,
    headers: { 'content-type': 'text/xml' },
  });
  return { status: res.status, text: res.text };
}

async function pushEncrypted(xml: string): Promise<{ status: number; text: string }> {
  const crypto = new WeChatCrypto({ token: wechatToken, encodingAesKey, appId });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const sealed = crypto.encryptReply(xml, timestamp, nonce);
  const params = new URLSearchParams({
    signature: computeWeChatSignature(wechatToken, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: sealed.msgSignature,
  });
  const envelope = buildWeChatXml({ ToUserName: 'gh_test_account', Encrypt: sealed.encrypt });
  const res = await svc.call(`/v1/channels/wechat/${tenant}?${params.toString()}`, {
    method: 'POST',
    body: envelope,
    headers: { 'content-type': 'text/xml' },
  });
  return { status: res.status, text: res.text };
}

const postEmail = (raw: Buffer, headers: Record<string, string> = {}) =>
  svc.call('/v1/channels/email/inbound', {
    method: 'POST',
    key,
    body: raw,
    headers: { 'content-type': 'message/rfc822', ...headers },
  });

/** The customer once asynchronous ingestion has stored what they sent. */
async function customerBy(param: string, value: string): Promise<Json> {
  return expectEventually(async () => {
    const res = await svc.call(`/v1/customers?${param}=${encodeURIComponent(value)}`, { key });
    expect(res.status).toBe(200);
    return res.body;
  });
}

const messagesOf = async (conversationId: string): Promise<Json[]> =>
  (await svc.call(`/v1/conversations/${conversationId}/messages`, { key })).body.items as Json[];

beforeAll(async () => {
  key = await createTenantKey(tenant);
  svc = await IngestionTestApp.start(4801, {
    EMAIL_BODY_LIMIT_BYTES: String(EMAIL_LIMIT),
    CTI_SETTLE_SEC: '1',
    CTI_FLUSH_POLL_MS: '200',
    WECHAT_INBOX_POLL_MS: '200',
  });
  const account = await svc.call('/v1/channel-accounts/wechat/main', {
    method: 'PUT',
    key,
    json: {
      settings: { appId, menuKeysAsMessages: ['CONTACT_US'] },
      secrets: { token: { value: wechatToken }, encodingAesKey: { value: encodingAesKey } },
    },
  });
  expect(account.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  if (svc) writeServiceLog('channels-in', svc.logs());
}, 30_000);

describe('channel accounts', () => {
  it('keep secrets encrypted and never show them', async () => {
    const res = await svc.call('/v1/channel-accounts/wechat/main', { key });
    expect(res.status).toBe(200);
    expect(res.body.secrets).toEqual({
      token: { source: 'encrypted' },
      encodingAesKey: { source: 'encrypted' },
    });
    expect(res.text).not.toContain(wechatToken);
    const [row] = await query<{ secrets: Json }>(
      `SELECT "secrets" FROM "ingestion"."channel_accounts" WHERE "tenant_id" = $1 AND "name" = 'main'`,
      [tenant],
    );
    expect(JSON.stringify(row.secrets)).not.toContain(wechatToken);
  });

  it('refuse a WeChat account without a token and secrets read from arbitrary environment variables', async () => {
    const noToken = await svc.call('/v1/channel-accounts/wechat/other', {
      method: 'PUT',
      key,
      json: { settings: {} },
    });
    expect(noToken.status).toBe(400);
    expect((noToken.body.errors as Json[]).map((e) => e.field)).toContain('secrets.token');
    const envLeak = await svc.call('/v1/channel-accounts/webhook/crm', {
      method: 'PUT',
      key,
      json: { settings: { url: 'http://127.0.0.1:4899/hook' }, secrets: { secret: { env: 'DB_PASSWORD' } } },
    });
    expect(envLeak.status).toBe(400);
    expect((envLeak.body.errors as Json[])[0]).toMatchObject({ field: 'secrets.secret' });
  });
});

describe('service', () => {
  it('lists every channel and customer endpoint in /openapi.json', async () => {
    const doc = await svc.call('/openapi.json');
    const paths = Object.keys(doc.body.paths as Json);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/channels/email/inbound',
        '/v1/channels/wechat/{tenantId}',
        '/v1/channels/phone/events',
        '/v1/customers',
        '/v1/customers/{id}',
        '/v1/customers/{id}/merge',
        '/v1/customers/by-external/{externalId}',
        '/v1/conversations/{id}/messages',
        '/v1/channel-accounts/{channel}/{name}',
      ]),
    );
  });

  it('seeds the demo tenant WeChat account with the documented token outside production', async () => {
    const { query: q } = signedQuery('dev-wechat-token', { echostr: 'demo-echo' });
    const res = await svc.call(`/v1/channels/wechat/demo?${q}`);
    expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'demo-echo' });
  });
});

describe('e-mail', () => {
  const firstId = `<${randomUUID()}@mail.example.cn>`;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048)]);
  let first: Json;

  it('stores a GBK-encoded Chinese multipart e-mail with its attachment as metadata', async () => {
    // Header threading must not depend on the open-conversation rule: turn that rule off for this tenant.
    const rule = await svc.call('/v1/settings/conversations', {
      method: 'PUT',
      key,
      json: { continuityHours: 0, acrossChannels: false },
    });
    expect(rule.status).toBe(200);
    const raw = buildMail({
      from: 'zhangsan@example.cn',
      fromName: '张三',
      subject: '发票开错了，请重新开具',
      text: '你好，\n上周的订单发票抬头写错了，应为“北京某某科技有限公司”。请重新开具，谢谢！\n\n-- \n张三\n采购部',
      messageId: firstId,
      attachment: { filename: '发票.pdf', contentType: 'application/pdf', content: pdf },
    });
    const res = await postEmail(raw);
    expect(res.status).toBe(202);
    first = res.body;
    const message = (await svc.call(`/v1/messages/${first.messageId as string}`, { key })).body;
    expect(message).toMatchObject({
      channel: 'email',
      direction: 'inbound',
      subject: '发票开错了，请重新开具',
      language: 'zh',
      externalMessageId: firstId,
      signature: '张三\n采购部',
      attachments: [{ filename: '发票.pdf', contentType: 'application/pdf', size: pdf.length }],
    });
    expect(message.body).toBe(
      '你好，\n上周的订单发票抬头写错了，应为“北京某某科技有限公司”。请重新开具，谢谢！',
    );
    const customer = (await svc.call(`/v1/customers/${first.customerId as string}`, { key })).body;
    expect(customer).toMatchObject({
      name: '张三',
      identities: [{ type: 'email', value: 'zhangsan@example.cn' }],
    });
  });

  it('threads a reply into the same conversation by its In-Reply-To and keeps the quoted text apart', async () => {
    const replyId = `<${randomUUID()}@mail.example.cn>`;
    const raw = buildMail({
      from: 'zhangsan@example.cn',
      fromName: '张三',
      subject: '回复：发票开错了，请重新开具',
      text: '补充一下：税号是 91110108MA01ABCDE。\n\n在 2026年11月23日 16:00，客服 写道：\n> 您好，请提供税号。\n> 谢谢',
      messageId: replyId,
      inReplyTo: firstId,
      references: [firstId],
    });
    const res = await postEmail(raw);
    expect(res.status).toBe(202);
    expect(res.body.conversationId).toBe(first.conversationId);
    const message = (await svc.call(`/v1/messages/${res.body.messageId as string}`, { key })).body;
    expect(message.body).toBe('补充一下：税号是 91110108MA01ABCDE。');
    expect(message.quoted).toContain('您好，请提供税号。');
    expect(message.emailReferences).toEqual([firstId]);
  });

  it('answers the same message twice with the first result: the Message-ID is the channel id', async () => {
    const again = await postEmail(
      buildMail({ from: 'zhangsan@example.cn', subject: 'x', text: 'x', messageId: firstId }),
    );
    expect(again.status).toBe(202);
    expect(again.body.messageId).toBe(first.messageId);
  });

  it('accepts a message above the JSON limit but below the e-mail limit, refuses a larger one with 413', async () => {
    const big = buildMail({
      from: 'big@example.cn',
      subject: '扫描件',
      text: '附件是扫描件',
      messageId: `<${randomUUID()}@example.cn>`,
      attachment: { filename: 'scan.tif', contentType: 'image/tiff', content: randomBytes(1_050_000) },
    });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    expect((await postEmail(big)).status).toBe(202);
    const tooBig = Buffer.concat([
      buildMail({
        from: 'big@example.cn',
        subject: 'x',
        text: 'x',
        messageId: `<${randomUUID()}@example.cn>`,
      }),
      Buffer.alloc(EMAIL_LIMIT, 0x41),
    ]);
    const res = await postEmail(tooBig);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers malformed MIME with 400, the wrong media type with 415, never a 5xx', async () => {
    const cases: Array<[Buffer, string, number]> = [
      [Buffer.from('this is not an e-mail at all'), 'message/rfc822', 400],
      [Buffer.from('   \r\n  '), 'message/rfc822', 400],
      [Buffer.from('Subject: no sender\r\n\r\nhello'), 'message/rfc822', 400],
      [Buffer.from('{"subject":"json"}'), 'application/json', 415],
    ];
    for (const [raw, type, status] of cases) {
      const res = await svc.call('/v1/channels/email/inbound', {
        method: 'POST',
        key,
        body: raw,
        headers: { 'content-type': type },
      });
      expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
        status,
        type: expect.stringContaining('application/problem+json') as string,
      });
    }
  });
});

describe('WeChat', () => {
  it('answers URL verification with echostr for the right signature, 401 otherwise', async () => {
    const { query: q } = signedQuery(wechatToken, { echostr: 'echo-123' });
    const ok = await svc.call(`/v1/channels/wechat/${tenant}?${q}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('echo-123');
    expect(ok.headers.get('content-type')).toContain('text/plain');
    const { query: bad } = signedQuery('not-the-token', { echostr: 'echo-123' });
    expect((await svc.call(`/v1/channels/wechat/${tenant}?${bad}`)).status).toBe(401);
    expect((await svc.call(`/v1/channels/wechat/no-such-tenant?${q}`)).status).toBe(401);
  });

  it('ingests a signed plaintext text push after answering success', async () => {
    const user = openId();
    const res = await pushPlain(
      pushXml(user, { MsgType: 'text', Content: '我的快递三天没动了', MsgId: msgId() }),
    );
    expect(res).toEqual({ status: 200, text: 'success' });
    const customer = await customerBy('wechatOpenId', user);
    const conversations = customer.conversations as Json[];
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ channel: 'wechat', messageCount: 1 });
    const [message] = await messagesOf(conversations[0].id as string);
    expect(message).toMatchObject({ body: '我的快递三天没动了', channel: 'wechat', language: 'zh' });
  });

  it('ingests a push in safe mode (encrypt_type=aes) with the account EncodingAESKey', async () => {
    const user = openId();
    const res = await pushEncrypted(
      pushXml(user, { MsgType: 'text', Content: '加密模式下的消息', MsgId: msgId() }),
    );
    expect(res).toEqual({ status: 200, text: 'success' });
    const customer = await customerBy('wechatOpenId', user);
    const [message] = await messagesOf((customer.conversations as Json[])[0].id as string);
    expect(message.body).toBe('加密模式下的消息');
    const [entry] = await query<{ encrypted: boolean }>(
      `SELECT "encrypted" FROM "ingestion"."wechat_inbox" WHERE "tenant_id" = $1 AND "xml" LIKE $2`,
      [tenant, '%加密模式下的消息%'],
    );
    expect(entry.encrypted).toBe(true);
  });

  it('stores one message when WeChat retries the same MsgId three times', async () => {
    const user = openId();
    const id = msgId();
    const xml = pushXml(user, { MsgType: 'text', Content: '重试的消息', MsgId: id });
    const answers = await Promise.all([pushPlain(xml), pushPlain(xml), pushPlain(xml)]);
    expect(answers.map((a) => a.text)).toEqual(['success', 'success', 'success']);
    await customerBy('wechatOpenId', user);
    await expectEventually(async () => {
      const rows = await query<{ n: string }>(
        `SELECT count(*) AS n FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "external_message_id" = $2`,
        [tenant, id],
      );
      expect(rows[0].n).toBe('1');
    });
    const inbox = await query<{ n: string }>(
      `SELECT count(*) AS n FROM "ingestion"."wechat_inbox" WHERE "tenant_id" = $1 AND "dedup_key" = $2`,
      [tenant, `msg:${id}`],
    );
    expect(inbox[0].n).toBe('1');
    expect((await svc.call('/metrics')).text).toMatch(
      /wechat_pushes_total\{[^}]*outcome="duplicate"[^}]*\} [1-9]/,
    );
  });

  it('turns voice recognition, an image, a location and a link into message bodies', async () => {
    const user = openId();
    await pushPlain(
      pushXml(user, {
        MsgType: 'voice',
        MediaId: 'media-1',
        Format: 'amr',
        Recognition: '我要退货',
        MsgId: msgId(),
      }),
    );
    await pushPlain(
      pushXml(user, {
        MsgType: 'image',
        PicUrl: 'http://127.0.0.1:4899/pic.jpg',
        MediaId: 'media-2',
        MsgId: msgId(),
      }),
    );
    await pushPlain(
      pushXml(user, {
        MsgType: 'location',
        Location_X: '31.2304',
        Location_Y: '121.4737',
        Scale: '15',
        Label: '上海市黄浦区',
        MsgId: msgId(),
      }),
    );
    await pushPlain(
      pushXml(user, {
        MsgType: 'link',
        Title: '订单详情',
        Description: '订单 1234',
        Url: 'https://shop.example/o/1234',
        MsgId: msgId(),
      }),
    );
    const bodies = await expectEventually(async () => {
      const customer = await customerBy('wechatOpenId', user);
      const messages = (
        await Promise.all((customer.conversations as Json[]).map((c) => messagesOf(c.id as string)))
      ).flat();
      expect(messages).toHaveLength(4);
      return messages.map((m) => m.body as string).sort();
    });
    expect(bodies).toEqual(
      [
        '[位置] 上海市黄浦区 (31.2304, 121.4737)',
        '[图片]',
        '[链接]\n订单详情\n订单 1234\nhttps://shop.example/o/1234',
        '我要退货',
      ].sort(),
    );
  });

  it('records subscribe and unsubscribe without a message, and a listed menu click as a message', async () => {
    const user = openId();
    const now = Math.floor(Date.now() / 1000);
    await pushPlain(pushXml(user, { MsgType: 'event', Event: 'subscribe', CreateTime: now }));
    await pushPlain(pushXml(user, { MsgType: 'event', Event: 'unsubscribe', CreateTime: now + 1 }));
    await pushPlain(
      pushXml(user, { MsgType: 'event', Event: 'CLICK', EventKey: 'MENU_ABOUT', CreateTime: now + 2 }),
    );
    await expectEventually(async () => {
      const events = await query<{ event: string }>(
        `SELECT "event" FROM "ingestion"."channel_events" WHERE "tenant_id" = $1 AND "payload"->>'openId' = $2 ORDER BY "occurred_at"`,
        [tenant, user],
      );
      expect(events.map((e) => e.event)).toEqual(['subscribe', 'unsubscribe', 'CLICK']);
    });
    const customer = await customerBy('wechatOpenId', user);
    expect(customer.conversations).toEqual([]);
    await pushPlain(
      pushXml(user, { MsgType: 'event', Event: 'CLICK', EventKey: 'CONTACT_US', CreateTime: now + 3 }),
    );
    await expectEventually(async () => {
      const conversations = (await customerBy('wechatOpenId', user)).conversations as Json[];
      expect(conversations).toHaveLength(1);
      expect((await messagesOf(conversations[0].id as string))[0].body).toBe('[菜单] CONTACT_US');
    });
  });

  it('answers a wrong signature with 401 and stores nothing', async () => {
    const user = openId();
    const before = await query<{ n: string }>(
      `SELECT count(*) AS n FROM "ingestion"."wechat_inbox" WHERE "tenant_id" = $1`,
      [tenant],
    );
    const res = await pushPlain(
      pushXml(user, { MsgType: 'text', Content: '伪造', MsgId: msgId() }),
      'forged-token',
    );
    expect(res.status).toBe(401);
    const after = await query<{ n: string }>(
      `SELECT count(*) AS n FROM "ingestion"."wechat_inbox" WHERE "tenant_id" = $1`,
      [tenant],
    );
    expect(after[0].n).toBe(before[0].n);
    expect((await svc.call(`/v1/customers?wechatOpenId=${user}`, { key })).status).toBe(404);
  });

  it('answers malformed XML, an entity declaration and an unreadable safe-mode ciphertext with 400', async () => {
    const bodies = [
      '<xml><ToUserName>gh</ToUserName><MsgType>text',
      '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><Content>&x;</Content></xml>',
      `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[${openId()}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType></xml>`,
    ];
    for (const body of bodies) expect((await pushPlain(body)).status).toBe(400);
    const encrypt = randomBytes(64).toString('base64');
    const sealedQuery = (msgSignature: (timestamp: string, nonce: string) => string): string => {
      const { timestamp, nonce } = signedQuery();
      return new URLSearchParams({
        signature: computeWeChatSignature(wechatToken, timestamp, nonce),
        timestamp,
        nonce,
        encrypt_type: 'aes',
        msg_signature: msgSignature(timestamp, nonce),
      }).toString();
    };
    const send = (q: string) =>
      svc.call(`/v1/channels/wechat/${tenant}?${q}`, {
        method: 'POST',
        body: buildWeChatXml({ ToUserName: 'gh', Encrypt: encrypt }),
        headers: { 'content-type': 'text/xml' },
      });
    // Signed correctly but not a ciphertext of this account: unreadable input.
    expect(
      (await send(sealedQuery((t, n) => computeWeChatMsgSignature(wechatToken, t, n, encrypt)))).status,
    ).toBe(400);
    // A msg_signature that does not cover the ciphertext: not from WeChat.
    expect((await send(sealedQuery(() => 'bad'))).status).toBe(401);
  });
});

describe('phone', () => {
  const post = (event: Json) => svc.call('/v1/channels/phone/events', { method: 'POST', key, json: event });

  it('turns a CTI call sequence with a transcript into one message from the caller', async () => {
    const callId = `call-${randomUUID()}`;
    const base = { callId, from: '139 1234 5678', to: '400-800-1234' };
    const t0 = Date.now() - 120_000;
    const at = (s: number): string => new Date(t0 + s * 1000).toISOString();
    expect((await post({ ...base, event: 'call.started', at: at(0) })).body).toMatchObject({ outcomes: [] });
    expect((await post({ ...base, event: 'ivr.selected', at: at(8), ivrPath: '2>1' })).status).toBe(202);
    expect(
      (
        await post({
          ...base,
          event: 'call.ended',
          at: at(95),
          durationSec: 95,
          recordingUrl: 'https://cti.example/rec/1.mp3',
        })
      ).status,
    ).toBe(202);
    const transcript = await post({
      ...base,
      event: 'transcript.ready',
      at: at(100),
      transcript: '你好，我上周买的空调一直没人安装。',
    });
    expect(transcript.status).toBe(202);
    const outcomes = transcript.body.outcomes as Json[];
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'message', updated: false })]);
    // The CTI retrying an event changes nothing.
    const retried = await post({
      ...base,
      event: 'transcript.ready',
      at: at(100),
      transcript: '你好，我上周买的空调一直没人安装。',
    });
    expect(retried.body).toMatchObject({ duplicate: true, outcomes: [] });
    const message = (await svc.call(`/v1/messages/${outcomes[0].messageId as string}`, { key })).body;
    expect(message).toMatchObject({
      channel: 'phone',
      kind: 'message',
      body: '你好，我上周买的空调一直没人安装。',
      externalMessageId: `call:${callId}`,
      attachments: [{ url: 'https://cti.example/rec/1.mp3', contentType: 'audio/mpeg' }],
      metadata: { call: { ivrPath: ['2', '1'], durationSec: 95 } },
    });
    const customer = (await svc.call('/v1/customers?phone=13912345678', { key })).body;
    expect(customer).toMatchObject({
      id: message.customerId,
      identities: [{ type: 'phone', value: '+8613912345678' }],
    });
  });

  it('turns a missed call into a call-back request once the call has settled', async () => {
    const callId = `call-${randomUUID()}`;
    const base = { callId, from: '+86 137 0000 1111', to: '4008001234' };
    const ended = await post({
      ...base,
      event: 'call.ended',
      at: new Date().toISOString(),
      durationSec: 0,
      answered: false,
    });
    expect(ended.body).toMatchObject({ outcomes: [] });
    const customer = await customerBy('phone', '+8613700001111');
    const [message] = await messagesOf((customer.conversations as Json[])[0].id as string);
    expect(message).toMatchObject({
      kind: 'callback-request',
      channel: 'phone',
      externalMessageId: `callback:${callId}`,
    });
  });

  it('answers an invalid event with 400 naming the field', async () => {
    const res = await post({
      callId: 'c',
      event: 'call.exploded',
      from: '1',
      to: '2',
      at: new Date().toISOString(),
    });
    expect(res.status).toBe(400);
    expect((res.body.errors as Json[])[0]).toMatchObject({ field: 'event' });
  });
});

describe('one customer across channels', () => {
  it("a new customer's first messages sent at once make one customer with one identity, every message kept", async () => {
    const email = `first-${randomUUID().slice(0, 8)}@example.cn`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        svc.call('/v1/messages', { method: 'POST', key, json: { channel: 'web', customer: { email }, body: `第${i + 1}个问题` } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
    expect(new Set(answers.map((a) => a.body.customerId)).size).toBe(1);
    const identities = await query(
      `SELECT "customer_id" FROM "ingestion"."customer_identities" WHERE "tenant_id" = $1 AND "type" = 'email' AND "value" = $2`,
      [tenant, email],
    );
    expect(identities).toEqual([{ customer_id: answers[0]?.body.customerId }]);
    const kept = await query(`SELECT count(*)::int AS "n" FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "customer_id" = $2`, [
      tenant,
      answers[0]?.body.customerId,
    ]);
    expect(kept).toEqual([{ n: 6 }]);
  });

  it('the same person by e-mail then WeChat is one customer after a merge, with both identities and conversations', async () => {
    const email = `wang-${randomUUID().slice(0, 6)}@example.cn`;
    const user = openId();
    const mailed = await postEmail(
      buildMail({
        from: email,
        fromName: '王小明',
        subject: '账号无法登录',
        text: '登录时提示密码错误',
        messageId: `<${randomUUID()}@example.cn>`,
      }),
    );
    expect(mailed.status).toBe(202);
    await pushPlain(
      pushXml(user, { MsgType: 'text', Content: '我刚才发了邮件，账号还是登不上', MsgId: msgId() }),
    );
    const wechatCustomer = await customerBy('wechatOpenId', user);
    expect(wechatCustomer.id).not.toBe(mailed.body.customerId);

    const merged = await svc.call(`/v1/customers/${mailed.body.customerId as string}/merge`, {
      method: 'POST',
      key,
      json: { sourceCustomerId: wechatCustomer.id },
    });
    expect(merged.status).toBe(200);
    const view = (await svc.call(`/v1/customers/${mailed.body.customerId as string}`, { key })).body;
    expect((view.identities as Json[]).map((i) => i.type).sort()).toEqual(['email', 'wechat']);
    expect((view.conversations as Json[]).map((c) => c.channel).sort()).toEqual(['email', 'wechat']);
    expect(view.mergedCustomerIds).toEqual([wechatCustomer.id]);
    // A message naming the merged customer's identity, and one naming a new one beside it, reach the survivor.
    const phone = `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const again = await svc.call('/v1/messages', { method: 'POST', key, json: { channel: 'app', customer: { phone, wechatOpenId: user }, body: '合并后再问一次' } });
    expect(again.status).toBe(202);
    expect(again.body.customerId).toBe(view.id);
    expect((await svc.call(`/v1/customers?phone=${encodeURIComponent(phone)}`, { key })).body.id).toBe(view.id);
    // Looking up by either identity, or by the merged id, finds the survivor.
    expect((await svc.call(`/v1/customers?wechatOpenId=${user}`, { key })).body.id).toBe(view.id);
    expect((await svc.call(`/v1/customers/${wechatCustomer.id as string}`, { key })).body.id).toBe(view.id);
    const audit = await query(
      `SELECT * FROM "ingestion"."customer_merges" WHERE "tenant_id" = $1 AND "source_customer_id" = $2`,
      [tenant, wechatCustomer.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        target_customer_id: view.id,
        moved_identities: [{ type: 'wechat', value: user }],
      }),
    ]);
    const events = await query(
      `SELECT 1 FROM "ingestion"."outbox" WHERE "tenant_id" = $1 AND "event_type" = 'customer.merged' AND "message_key" = $2`,
      [tenant, view.id],
    );
    expect(events).toHaveLength(1);
    // Repeating the merge changes nothing; merging the other way round is a conflict.
    expect(
      (
        await svc.call(`/v1/customers/${view.id as string}/merge`, {
          method: 'POST',
          key,
          json: { sourceCustomerId: wechatCustomer.id },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await svc.call(`/v1/customers/${wechatCustomer.id as string}/merge`, {
          method: 'POST',
          key,
          json: { sourceCustomerId: view.id },
        })
      ).status,
    ).toBe(409);
  });

  it('takes name, tier and identifiers from the CRM by external id', async () => {
    const email = `vip-${randomUUID().slice(0, 6)}@example.cn`;
    const mailed = await postEmail(
      buildMail({ from: email, subject: '咨询', text: '你好', messageId: `<${randomUUID()}@example.cn>` }),
    );
    const externalId = `CRM-${randomUUID().slice(0, 8)}`;
    const upsert = await svc.call(`/v1/customers/by-external/${externalId}`, {
      method: 'PUT',
      key,
      json: {
        name: '李总',
        tier: 'vip',
        identities: [
          { type: 'email', value: email.toUpperCase() },
          { type: 'phone', value: '13800001234' },
        ],
      },
    });
    expect(upsert.status).toBe(200);
    expect(upsert.body).toMatchObject({ id: mailed.body.customerId, name: '李总', tier: 'vip', externalId });
    expect((upsert.body.identities as Json[]).map((i) => i.type).sort()).toEqual([
      'email',
      'external',
      'phone',
    ]);
    const created = await svc.call(`/v1/customers/by-external/CRM-NEW-${randomUUID().slice(0, 6)}`, {
      method: 'PUT',
      key,
      json: { tier: 'enterprise' },
    });
    expect(created.status).toBe(201);
    const conflict = await svc.call(`/v1/customers/by-external/CRM-OTHER-${randomUUID().slice(0, 6)}`, {
      method: 'PUT',
      key,
      json: { identities: [{ type: 'email', value: email }] },
    });
    expect(conflict.status).toBe(409);
  });

  it('looks customers up by exactly one identifier and answers bad lookups with 4xx', async () => {
    expect((await svc.call('/v1/customers', { key })).status).toBe(400);
    expect((await svc.call('/v1/customers?email=a@b.cn&phone=13800001234', { key })).status).toBe(400);
    expect((await svc.call('/v1/customers?phone=not-a-phone', { key })).status).toBe(400);
    expect(
      (await svc.call(`/v1/customers?email=nobody-${randomUUID().slice(0, 6)}@example.cn`, { key })).status,
    ).toBe(404);
    expect((await svc.call(`/v1/customers/${randomUUID()}`, { key })).status).toBe(404);
  });
});
