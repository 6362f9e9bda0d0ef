import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '@helpdesk/contracts';
import { createTenantKey } from '@helpdesk/testing';
import { call, ids, items, startKnowledge, type Json, type RunningKnowledge } from './knowledge-test-kit';

/**
 * Articles (create, list, versions, bulk import, idempotency) and search in Chinese and English
 * through the HTTP API of a knowledge instance on the real PostgreSQL, Redis and Kafka.
 */
const GRPC_PORT = 4611;
const tenant = `kb-articles-${randomUUID().slice(0, 8)}`;
let key: string;
let readOnlyKey: string;
let kb: RunningKnowledge;

const ARTICLES = [
  { title: '花呗怎么还款', body: '打开支付宝，进入“我的花呗”，点击“立即还款”即可完成本期账单的还款。', language: 'zh', tags: ['花呗', '还款'], category: 'billing', status: 'published' },
  { title: '花呗被冻结了怎么办', body: '花呗冻结通常因为逾期或账户风险，请先结清欠款，再申请解冻。', language: 'zh', tags: ['花呗'], category: 'account', status: 'published' },
  { title: '如何修改登录密码', body: '在“设置-安全中心”选择修改登录密码，按提示完成短信验证。', language: 'zh', tags: ['账户'], category: 'account', status: 'published' },
  { title: 'How to request a refund', body: 'Open your orders, choose the item and ask for a refund. Refunds arrive within 3 business days.', language: 'en', tags: ['orders'], category: 'billing', status: 'published' },
  { title: 'Reset your password', body: 'Use the forgot password link on the sign-in page; we e-mail you a reset link.', language: 'en-GB', tags: ['account'], category: 'account', status: 'published' },
  { title: 'Shipping times (draft)', body: 'Orders ship within two days of payment.', language: 'en', tags: ['orders'], category: 'shipping', status: 'draft' },
];

const byTitle = new Map<string, string>();

beforeAll(async () => {
  [key, readOnlyKey] = await Promise.all([createTenantKey(tenant), createTenantKey(tenant, ['kb:read'])]);
  kb = await startKnowledge(4610, { GRPC_PORT: String(GRPC_PORT) });
  for (const article of ARTICLES) {
    const res = await call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: article });
    expect(res.status).toBe(201);
    byTitle.set(article.title, res.body.id as string);
  }
}, 120_000);

afterAll(async () => {
  await kb.close();
}, 60_000);

const search = (query: Record<string, string | string[]>, k = key) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const v of [value].flat()) params.append(name, v);
  return call(kb.baseUrl, `/v1/search?${params.toString()}`, { key: k });
};

describe('articles', () => {
  it('creates an article at version 1, reads it back and keeps every edit as a new version', async () => {
    const created = await call(kb.baseUrl, '/v1/articles', {
      method: 'POST',
      key,
      json: { title: '借呗额度怎么提升', body: '借呗额度由系统综合评估。', language: 'zh', tags: [' 借呗 ', '借呗', '额度'], category: 'billing' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, latestVersion: 1, status: 'draft', tags: ['借呗', '额度'], language: 'zh' });
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/v1/articles/${id}`);

    const v2 = await call(kb.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { body: '借呗额度由系统综合评估，按时还款有助于提升额度。', status: 'published' } });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, title: '借呗额度怎么提升', status: 'published', category: 'billing' });
    // The same content again is not an edit.
    const same = await call(kb.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { status: 'published' } });
    expect(same.body.version).toBe(2);
    const v3 = await call(kb.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { title: '借呗额度如何提升', category: null, expectedVersion: 2 } });
    expect(v3.body).toMatchObject({ version: 3, title: '借呗额度如何提升', category: null });
    const stale = await call(kb.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { title: '旧的编辑', expectedVersion: 2 } });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');

    const latest = await call(kb.baseUrl, `/v1/articles/${id}`, { key });
    expect(latest.body).toMatchObject({ version: 3, latestVersion: 3, title: '借呗额度如何提升' });
    const first = await call(kb.baseUrl, `/v1/articles/${id}?version=1`, { key });
    expect(first.body).toMatchObject({ version: 1, latestVersion: 3, title: '借呗额度怎么提升', body: '借呗额度由系统综合评估。', status: 'draft', category: 'billing' });

    const history = await call(kb.baseUrl, `/v1/articles/${id}/versions?limit=2`, { key });
    expect(items(history).map((v) => v.version)).toEqual([3, 2]);
    const rest = await call(kb.baseUrl, `/v1/articles/${id}/versions?limit=2&cursor=${String(history.body.nextCursor)}`, { key });
    expect(items(rest).map((v) => v.version)).toEqual([1]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('lists articles with filters and a cursor, newest change first', async () => {
    const published = await call(kb.baseUrl, '/v1/articles?status=published&category=account', { key });
    expect(items(published).map((a) => a.title).sort()).toEqual(['Reset your password', '如何修改登录密码', '花呗被冻结了怎么办'].sort());
    const english = await call(kb.baseUrl, '/v1/articles?language=en&tag=orders', { key });
    expect(items(english).map((a) => a.title).sort()).toEqual(['How to request a refund', 'Shipping times (draft)']);
    const britishToo = await call(kb.baseUrl, '/v1/articles?language=en&category=account', { key });
    expect(items(britishToo).map((a) => a.language)).toEqual(['en-GB']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call(kb.baseUrl, `/v1/articles?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key });
      expect(items(page).length).toBeLessThanOrEqual(2);
      seen.push(...items(page).map((a) => a.id as string));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([...byTitle.values()]));
  });

  it('imports articles in bulk, and a repeated Idempotency-Key creates nothing new', async () => {
    const body = { articles: [1, 2, 3].map((n) => ({ title: `批量文章 ${n}`, body: `内容 ${n}`, language: 'zh', status: 'published' })) };
    const idem = randomUUID();
    const first = await call(kb.baseUrl, '/v1/articles:bulk', { method: 'POST', key, json: body, headers: { 'idempotency-key': idem } });
    expect(first.status).toBe(201);
    expect(items(first)).toHaveLength(3);
    const again = await call(kb.baseUrl, '/v1/articles:bulk', { method: 'POST', key, json: body, headers: { 'idempotency-key': idem } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(items(again).map((i) => i.id)).toEqual(items(first).map((i) => i.id));
    const listed = await call(kb.baseUrl, '/v1/articles?limit=200', { key });
    expect(items(listed).filter((a) => String(a.title).startsWith('批量文章'))).toHaveLength(3);
    const other = await call(kb.baseUrl, '/v1/articles:bulk', { method: 'POST', key, json: { articles: body.articles.slice(0, 1) }, headers: { 'idempotency-key': idem } });
    expect(other.status).toBe(409);

    const single = { title: 'Idempotent article', body: 'once', language: 'en' };
    const idem2 = randomUUID();
    const a = await call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: single, headers: { 'idempotency-key': idem2 } });
    const b = await call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: single, headers: { 'idempotency-key': idem2 } });
    expect(b.body.id).toBe(a.body.id);
  });

  it('keeps tenants apart and enforces kb:read / kb:write', async () => {
    const otherKey = await createTenantKey(`kb-other-${randomUUID().slice(0, 8)}`);
    const id = byTitle.get('花呗怎么还款') ?? '';
    expect((await call(kb.baseUrl, `/v1/articles/${id}`, { key: otherKey })).status).toBe(404);
    expect(items(await search({ q: '花呗还款' }, otherKey))).toEqual([]);
    expect((await call(kb.baseUrl, `/v1/articles/${id}`, { key: readOnlyKey })).status).toBe(200);
    const denied = await call(kb.baseUrl, '/v1/articles', { method: 'POST', key: readOnlyKey, json: ARTICLES[0] });
    expect(denied.status).toBe(403);
    expect((await call(kb.baseUrl, '/v1/search?q=refund')).status).toBe(401);
  });
});

describe('search', () => {
  it('finds Chinese articles for differently phrased and unsegmented questions, with highlighted snippets', async () => {
    const repay = byTitle.get('花呗怎么还款');
    const res = await search({ q: '花呗的钱怎么还' });
    expect(res.status).toBe(200);
    expect(ids(res)[0]).toBe(repay);
    const hit = items(res)[0];
    expect(hit).toMatchObject({ title: '花呗怎么还款' });
    expect(String(hit.snippet)).toContain('<em>');
    expect(Number(hit.score)).toBeGreaterThan(0);
    expect(Number(hit.score)).toBeLessThanOrEqual(1);
    // One run of characters with no spaces and a wrong character (怎末 for 怎么): n-grams still match.
    expect(ids(await search({ q: '花呗被冻节了怎末办' }))[0]).toBe(byTitle.get('花呗被冻结了怎么办'));
    expect(ids(await search({ q: '登陆密码忘了想修改' }))[0]).toBe(byTitle.get('如何修改登录密码'));
  });

  it('finds English articles through stemming and a misspelling, and filters by language, category and tag', async () => {
    const refund = byTitle.get('How to request a refund');
    expect(ids(await search({ q: 'refunding my order' }))[0]).toBe(refund);
    expect(ids(await search({ q: 'forgotten pasword reset' }))[0]).toBe(byTitle.get('Reset your password'));
    expect(ids(await search({ q: 'password', language: 'en' }))).toEqual([byTitle.get('Reset your password')]);
    expect(ids(await search({ q: 'password', language: 'zh' }))).toEqual([]);
    expect(ids(await search({ q: '花呗', category: 'billing' }))).toEqual([byTitle.get('花呗怎么还款')]);
    expect(ids(await search({ q: '花呗', tag: ['花呗', '还款'] }))).toEqual([byTitle.get('花呗怎么还款')]);
    // Drafts are never searched.
    expect(ids(await search({ q: 'shipping times' }))).not.toContain(byTitle.get('Shipping times (draft)'));
  });

  it("expands the tenant's synonyms: 蚂蚁花呗 = 花呗, money back = refund", async () => {
    expect(ids(await search({ q: 'I want my money back' }))).not.toContain(byTitle.get('How to request a refund'));
    const put = await call(kb.baseUrl, '/v1/synonyms', { method: 'PUT', key, json: { groups: [['花呗', '蚂蚁花呗'], ['refund', 'money back']] } });
    expect(put.status).toBe(200);
    expect(put.body.groups).toEqual([['花呗', '蚂蚁花呗'], ['refund', 'money back']]);
    expect((await call(kb.baseUrl, '/v1/synonyms', { key })).body.groups).toEqual(put.body.groups);
    expect(ids(await search({ q: 'I want my money back' }))[0]).toBe(byTitle.get('How to request a refund'));
    expect(ids(await search({ q: '蚂蚁借款怎么还' }))).toContain(byTitle.get('花呗怎么还款'));
    const bad = await call(kb.baseUrl, '/v1/synonyms', { method: 'PUT', key, json: { groups: [['only-one']] } });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as Json[])[0]).toMatchObject({ field: 'groups.0' });
  });

  it('takes the query in a JSON body too, for text that does not fit in a URL', async () => {
    const res = await call(kb.baseUrl, '/v1/search', { method: 'POST', key, json: { q: '花呗的钱怎么还', language: 'zh', tags: ['花呗'], limit: 3 } });
    expect(res.status).toBe(200);
    expect(ids(res)[0]).toBe(byTitle.get('花呗怎么还款'));
    expect(res.headers.get('server-timing')).toMatch(/^search;dur=\d/);
  });

  it('a published edit is searchable at once and a move back to draft leaves search', async () => {
    const id = byTitle.get('如何修改登录密码') ?? '';
    await call(kb.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { title: '如何修改支付密码和登录密码' } });
    expect(ids(await search({ q: '支付密码' }))[0]).toBe(id);
    await call(kb.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { status: 'draft' } });
    expect(ids(await search({ q: '支付密码' }))).not.toContain(id);
    await call(kb.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { status: 'published' } });
    expect(ids(await search({ q: '支付密码' }))[0]).toBe(id);
  });

  it('counts helpful / not-helpful feedback into the ranking', async () => {
    const a = await call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: { title: '发票怎么开', body: '在订单页申请发票。', language: 'zh', status: 'published' } });
    const b = await call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: { title: '发票怎么开', body: '在订单页申请发票。', language: 'zh', status: 'published' } });
    const [idA, idB] = [a.body.id as string, b.body.id as string];
    const before = ids(await search({ q: '发票怎么开' })).slice(0, 2);
    expect(before.sort()).toEqual([idA, idB].sort());
    // Identical articles tie; votes decide.
    const loser = before[0];
    const winner = before[1];
    for (let i = 0; i < 3; i++) {
      const vote = await call(kb.baseUrl, `/v1/articles/${winner}/feedback`, { method: 'POST', key, json: { helpful: true } });
      expect(vote.status).toBe(201);
    }
    const down = await call(kb.baseUrl, `/v1/articles/${loser}/feedback`, { method: 'POST', key, json: { helpful: false, ticketId: randomUUID() } });
    expect(down.body.feedback).toEqual({ helpful: 0, notHelpful: 1 });
    expect(ids(await search({ q: '发票怎么开' })).slice(0, 2)).toEqual([winner, loser]);
    expect((await call(kb.baseUrl, `/v1/articles/${winner}`, { key })).body.feedback).toEqual({ helpful: 3, notHelpful: 0 });
  });
});

/** Raw bytes to the service, for what no HTTP client would send; parses the status line and JSON body. */
function rawRequest(text: string): Promise<Awaited<ReturnType<typeof call>>> {
  const { port, hostname } = new URL(kb.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(Buffer.from(text, 'utf8')));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body = ''] = received.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const headers = new Headers(lines.slice(1).map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(lines[0].split(' ')[1]), body: body ? (JSON.parse(body) as Json) : {}, headers });
    });
  });
}

describe('bad input gets problem+json 4xx, never a 5xx', () => {
  const cases: Array<[string, () => Promise<Awaited<ReturnType<typeof call>>>, number, string?]> = [
    ['empty query', () => search({ q: '' }), 400, 'q'],
    ['blank query', () => search({ q: '   ' }), 400, 'q'],
    ['missing query', () => call(kb.baseUrl, '/v1/search', { key }), 400, 'q'],
    ['10 kB query', () => search({ q: 'refund '.repeat(1500) }), 400, 'q'],
    ['10 kB Chinese query in the body', () => call(kb.baseUrl, '/v1/search', { method: 'POST', key, json: { q: '花呗怎么还款'.repeat(570) } }), 400, 'q'],
    // 3,420 characters percent-encode to 30 kB of URL: more than HTTP servers take in a request line.
    ['10 kB Chinese query in the URL', () => search({ q: '花呗怎么还款'.repeat(570) }), 431],
    ['bytes that are not a URL', () => rawRequest(`GET /v1/search?q=${'花呗'} HTTP/1.1\r\nHost: x\r\n\r\n`), 400],
    ['invalid language', () => search({ q: 'refund', language: 'english!' }), 400, 'language'],
    ['limit out of range', () => search({ q: 'refund', limit: '1000' }), 400, 'limit'],
    ['unknown query parameter', () => search({ q: 'refund', sort: 'asc' }), 400],
    ['unknown article', () => call(kb.baseUrl, `/v1/articles/${randomUUID()}`, { key }), 404],
    ['not an article id', () => call(kb.baseUrl, '/v1/articles/not-an-id', { key }), 404],
    ['unknown version', () => call(kb.baseUrl, `/v1/articles/${byTitle.get('花呗怎么还款') ?? ''}?version=99`, { key }), 404],
    ['edit of an unknown article', () => call(kb.baseUrl, `/v1/articles/${randomUUID()}`, { method: 'PUT', key, json: { title: 'x' } }), 404],
    ['feedback on an unknown article', () => call(kb.baseUrl, `/v1/articles/${randomUUID()}/feedback`, { method: 'POST', key, json: { helpful: true } }), 404],
    ['versions of an unknown article', () => call(kb.baseUrl, `/v1/articles/${randomUUID()}/versions`, { key }), 404],
    ['article with an invalid language', () => call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: { title: 't', body: 'b', language: 'klingon!' } }), 400, 'language'],
    ['article without a title', () => call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: { body: 'b', language: 'en' } }), 400, 'title'],
    ['article with a blank title', () => call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: { title: '   ', body: 'b', language: 'en' } }), 400, 'title'],
    ['article with an unknown status', () => call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: { title: 't', body: 'b', language: 'en', status: 'live' } }), 400, 'status'],
    ['malformed JSON', () => call(kb.baseUrl, '/v1/articles', { method: 'POST', key, body: '{"title":', headers: { 'content-type': 'application/json' } }), 400],
    ['empty bulk import', () => call(kb.baseUrl, '/v1/articles:bulk', { method: 'POST', key, json: { articles: [] } }), 400, 'articles'],
    ['bad cursor', () => call(kb.baseUrl, '/v1/articles?cursor=nonsense', { key }), 400, 'cursor'],
    ['synonyms not a list', () => call(kb.baseUrl, '/v1/synonyms', { method: 'PUT', key, json: { groups: 'a=b' } }), 400, 'groups'],
  ];

  const rows = cases.map(([name, send, status, field]) => ({ name, send, status, field: field ?? null }));
  it.each(rows)('$name', async ({ send, status, field }) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, title: expect.any(String) as unknown });
    if (field) expect((res.body.errors as Json[]).map((e) => e.field)).toContain(field);
  });
});

describe('gRPC knowledge.v1.Knowledge/Search', () => {
  type SearchReply = { items: Array<{ articleId: string; title: string; snippet: string; score: number }> };
  type SearchClient = grpc.Client & {
    search(request: object, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, reply: SearchReply) => void): void;
  };
  const grpcSearch = (request: object, apiKey = key): Promise<SearchReply> => {
    const definition = protoLoader.loadSync(join(PROTO_DIR, 'helpdesk', 'knowledge.proto'), { keepCase: false, defaults: true });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as { knowledge: { v1: { Knowledge: new (address: string, credentials: grpc.ChannelCredentials) => SearchClient } } };
    const client = new pkg.knowledge.v1.Knowledge(`127.0.0.1:${GRPC_PORT}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${apiKey}`);
    return new Promise<SearchReply>((resolve, reject) => client.search(request, metadata, (err, reply) => (err ? reject(err) : resolve(reply)))).finally(() => client.close());
  };

  it('answers the same search as the REST API, and maps bad input to INVALID_ARGUMENT', async () => {
    const reply = await grpcSearch({ q: '花呗的钱怎么还', language: 'zh', limit: 3 });
    expect(reply.items[0]).toMatchObject({ articleId: byTitle.get('花呗怎么还款'), title: '花呗怎么还款' });
    await expect(grpcSearch({ q: '' })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await expect(grpcSearch({ q: 'refund' }, 'not-a-key')).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });
});

it('serves every knowledge endpoint in /openapi.json', async () => {
  const doc = await call(kb.baseUrl, '/openapi.json');
  const paths = Object.keys(doc.body.paths as Json);
  expect(paths).toEqual(
    expect.arrayContaining([
      '/v1/articles',
      '/v1/articles:bulk',
      '/v1/articles/{id}',
      '/v1/articles/{id}/versions',
      '/v1/articles/{id}/feedback',
      '/v1/search',
      '/v1/synonyms',
      '/v1/tickets/{ticketId}/suggestions',
      '/v1/self-service/stats',
      '/v1/self-service/settings',
      '/v1/gaps',
    ]),
  );
});
