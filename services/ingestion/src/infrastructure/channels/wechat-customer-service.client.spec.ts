import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentDeliveryError, RetryableDeliveryError } from './channel-delivery.error';
import { WeChatCustomerServiceClient, type AccessTokenCache } from './wechat-customer-service.client';

/** A local stand-in speaking the Official Account token and customer-service protocol. */
class WeChatStandIn {
  server!: Server;
  baseUrl = '';
  tokenRequests = 0;
  current: string | null = null;
  readonly expired = new Set<string>();
  readonly delivered: { touser: string; msgtype: string; content: string }[] = [];
  sendStatus = 200;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'GET' && url.pathname === '/cgi-bin/token') {
      if (
        url.searchParams.get('grant_type') !== 'client_credential' ||
        url.searchParams.get('appid') !== 'wxapp'
      )
        return [200, { errcode: 40013, errmsg: 'invalid appid' }];
      if (url.searchParams.get('secret') !== 'app-secret')
        return [200, { errcode: 40125, errmsg: 'invalid appsecret' }];
      this.tokenRequests++;
      // Issuing a new token retires the previous one, as WeChat does.
      if (this.current) this.expired.add(this.current);
      this.current = `TOKEN-${this.tokenRequests}`;
      return [200, { access_token: this.current, expires_in: 7200 }];
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send') {
      if (this.sendStatus !== 200) return [this.sendStatus, { error: 'gateway' }];
      const token = url.searchParams.get('access_token') ?? '';
      if (this.expired.has(token)) return [200, { errcode: 42001, errmsg: 'access_token expired' }];
      if (token !== this.current) return [200, { errcode: 40001, errmsg: 'invalid credential' }];
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        touser: string;
        msgtype: string;
        text: { content: string };
      };
      if (body.touser === 'o-out-of-window')
        return [200, { errcode: 45015, errmsg: 'response out of time limit' }];
      if (body.touser === 'o-busy') return [200, { errcode: -1, errmsg: 'system error' }];
      this.delivered.push({ touser: body.touser, msgtype: body.msgtype, content: body.text.content });
      return [200, { errcode: 0, errmsg: 'ok' }];
    }
    return [404, { errcode: 404 }];
  }
}

class MemoryCache implements AccessTokenCache {
  readonly values = new Map<string, { value: string; ttl: number }>();
  async get(key: string): Promise<string | null> {
    return this.values.get(key)?.value ?? null;
  }
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.values.set(key, { value, ttl: ttlSeconds });
  }
}

describe('WeChatCustomerServiceClient against a local WeChat stand-in', () => {
  const wechat = new WeChatStandIn();
  beforeAll(() => wechat.start());
  afterAll(() => wechat.stop());

  const client = (cache: AccessTokenCache, secret = 'app-secret', baseUrl = wechat.baseUrl) =>
    new WeChatCustomerServiceClient({ appId: 'wxapp', appSecret: secret, cache, baseUrl, timeoutMs: 5000 });

  it('fetches a token once, caches it short of its expiry and sends text messages', async () => {
    const cache = new MemoryCache();
    const cs = client(cache);
    const before = wechat.tokenRequests;
    await expect(cs.sendText('oUser1', '您好，已为您办理退款。')).resolves.toEqual({
      msgId: null,
      tokenRefreshed: false,
    });
    await cs.sendText('oUser1', 'Second message');
    expect(wechat.tokenRequests - before).toBe(1);
    expect(cache.values.get('wechat:access-token:wxapp')).toEqual({ value: wechat.current, ttl: 6900 });
    expect(wechat.delivered.slice(-2)).toEqual([
      { touser: 'oUser1', msgtype: 'text', content: '您好，已为您办理退款。' },
      { touser: 'oUser1', msgtype: 'text', content: 'Second message' },
    ]);
  });

  it('refreshes an expired cached token and delivers anyway', async () => {
    const cache = new MemoryCache();
    await client(cache).getAccessToken();
    const stale = (await cache.get('wechat:access-token:wxapp')) ?? '';
    // Another system fetched a new token with the same credentials, retiring ours; the cache still holds the old one.
    await client(new MemoryCache()).getAccessToken();
    const result = await client(cache).sendText('oUser2', 'after refresh');
    expect(result.tokenRefreshed).toBe(true);
    expect(await cache.get('wechat:access-token:wxapp')).not.toBe(stale);
    expect(wechat.delivered.at(-1)).toEqual({ touser: 'oUser2', msgtype: 'text', content: 'after refresh' });
  });

  it('shares one token request among concurrent sends', async () => {
    const cs = client(new MemoryCache());
    const before = wechat.tokenRequests;
    await Promise.all(['a', 'b', 'c', 'd'].map((n) => cs.sendText(`o-${n}`, n)));
    expect(wechat.tokenRequests - before).toBe(1);
  });

  it('classifies failures for retry or dead-letter', async () => {
    const cs = client(new MemoryCache());
    await expect(cs.sendText('o-out-of-window', 'late')).rejects.toThrow(PermanentDeliveryError);
    await expect(cs.sendText('o-out-of-window', 'late')).rejects.toMatchObject({
      code: 'wechat-45015',
      retryable: false,
    });
    await expect(cs.sendText('o-busy', 'x')).rejects.toMatchObject({ code: 'wechat--1', retryable: true });
    await expect(client(new MemoryCache(), 'wrong-secret').sendText('oUser', 'x')).rejects.toMatchObject({
      code: 'wechat-40125',
      retryable: false,
    });
    wechat.sendStatus = 503;
    try {
      await expect(cs.sendText('oUser', 'x')).rejects.toThrow(RetryableDeliveryError);
    } finally {
      wechat.sendStatus = 200;
    }
  });

  it('reports an unreachable API as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      client(new MemoryCache(), 'app-secret', `http://127.0.0.1:${port}`).sendText('oUser', 'x'),
    ).rejects.toMatchObject({
      code: 'network',
      retryable: true,
    });
  });
});
