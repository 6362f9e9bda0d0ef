import { BILLION_LAUGHS, INJECTIONS, hostileRequests, operationsOf, wechatSignature, type HostileContext } from './hostile';

const doc = {
  openapi: '3.0.0',
  paths: {
    '/health/ready': { get: {} },
    '/metrics': { get: {} },
    '/v1/messages': { post: { requestBody: { content: { 'application/json': {} } } } },
    '/v1/messages/{id}': { get: { parameters: [{ name: 'id', in: 'path' }] } },
    '/v1/tickets': { get: { parameters: [{ name: 'status', in: 'query' }, { name: 'limit', in: 'query' }] } },
    '/v1/channels/wechat/{tenantId}': { get: {}, post: { requestBody: { content: { 'text/xml': {} } } } },
    '/v1/channels/email/inbound': { post: { requestBody: { content: { 'message/rfc822': {} } } } },
  },
};
const ctx: HostileContext = { apiKey: 'k', tenantId: 'drill-t', wechat: { tenantId: 'demo', token: 'dev-wechat-token' }, bigBodyBytes: 2_000_000 };

describe('hostile barrage plan', () => {
  it('takes every operation except health, metrics and docs', () => {
    expect(operationsOf(doc).map((o) => `${o.method} ${o.path}`)).toEqual([
      'POST /v1/messages',
      'GET /v1/messages/{id}',
      'GET /v1/tickets',
      'GET /v1/channels/wechat/{tenantId}',
      'POST /v1/channels/wechat/{tenantId}',
      'POST /v1/channels/email/inbound',
    ]);
    expect(operationsOf({ nothing: true })).toEqual([]);
  });

  it('sends every kind of hostile body to a JSON endpoint, with the key', () => {
    const [messages] = operationsOf(doc);
    if (!messages) throw new Error('no operation');
    const requests = hostileRequests(messages, ctx, Buffer.alloc(16));
    const variants = requests.map((r) => r.variant);
    for (const expected of ['body: random bytes as JSON', 'body: 100,000-deep array', 'body: invalid UTF-8', 'body: GBK without a charset', 'body: XML entity expansion', 'query: 60 KB']) {
      expect(variants).toContain(expected);
    }
    const injected = requests.filter((r) => r.variant.startsWith('body: injection')).map((r) => r.body?.toString('utf8') ?? '');
    for (const s of INJECTIONS) expect(injected.some((b) => b.includes(JSON.stringify(s).slice(1, -1)))).toBe(true);
    expect(requests.find((r) => r.variant === 'body: NUL characters in every text field')?.body?.toString('utf8')).toContain('\\u0000');
    expect(requests.filter((r) => r.oversized).map((r) => r.variant)).toEqual(['query: 60 KB', 'header: 60 KB', 'body: JSON with a 1 MB string', 'body: 2 MB of random bytes as JSON']);
    expect(requests.find((r) => r.variant === 'body: invalid UTF-8')?.body?.includes(Buffer.from([0xff, 0xfe]))).toBe(true);
    expect(requests.filter((r) => !r.variant.startsWith('auth:')).every((r) => r.headers['authorization'] === 'Bearer k')).toBe(true);
  });

  it('sends no body to a GET and fills path parameters with hostile values', () => {
    const get = operationsOf(doc)[1];
    if (!get) throw new Error('no operation');
    const requests = hostileRequests(get, ctx, Buffer.alloc(16));
    expect(requests.every((r) => r.body === undefined)).toBe(true);
    expect(requests.map((r) => r.path)).toContain('/v1/messages/..%2F..%2F..%2Fetc%2Fpasswd');
  });

  it('signs WeChat requests for the demo tenant and sends entity expansion as XML', () => {
    const post = operationsOf(doc)[4];
    if (!post) throw new Error('no operation');
    const requests = hostileRequests(post, ctx, Buffer.alloc(16));
    const laughs = requests.find((r) => r.variant === 'xml: billion laughs');
    expect(laughs?.headers['content-type']).toBe('text/xml');
    const url = new URL(`http://127.0.0.1${laughs?.path ?? ''}`);
    expect(url.pathname).toBe('/v1/channels/wechat/demo');
    const timestamp = url.searchParams.get('timestamp') ?? '';
    const nonce = url.searchParams.get('nonce') ?? '';
    expect(url.searchParams.get('signature')).toBe(wechatSignature('dev-wechat-token', timestamp, nonce));
    expect(BILLION_LAUGHS).toContain('<!ENTITY lol9');
  });

  it('sends MIME hostility to the e-mail route', () => {
    const email = operationsOf(doc)[5];
    if (!email) throw new Error('no operation');
    const variants = hostileRequests(email, ctx, Buffer.alloc(16)).map((r) => r.variant);
    expect(variants).toEqual(expect.arrayContaining(['mime: random bytes', 'mime: 500-deep multipart', 'mime: GBK body without a charset', 'mime: 2 MB']));
  });

  it('computes the WeChat signature over the sorted token, timestamp and nonce', () => {
    expect(wechatSignature('c', 'a', 'b')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(wechatSignature('a', 'b', 'c')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});
