import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as iconv from 'iconv-lite';

/** One public operation from a service's /openapi.json. */
export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** Request body media types the operation declares (empty: none declared). */
  bodyTypes: string[];
}

export interface HostileRequest {
  operation: string;
  variant: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Requests this large may be refused by closing the connection (after a 413 or 431). */
  oversized: boolean;
}

export interface HostileContext {
  apiKey: string;
  tenantId: string;
  /** The tenant and token the WeChat route verifies signatures with (the local demo tenant's). */
  wechat: { tenantId: string; token: string };
  /** Size of the "10 MB" bodies; smaller in quick runs. */
  bigBodyBytes: number;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const OPERATIONAL = /^\/(health|metrics|docs|openapi)/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every operation of an OpenAPI 3 document except health, metrics and the docs themselves. */
export function operationsOf(doc: unknown): Operation[] {
  const paths = isRecord(doc) && isRecord(doc['paths']) ? doc['paths'] : {};
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (OPERATIONAL.test(path) || !isRecord(item)) continue;
    const shared: unknown[] = Array.isArray(item['parameters']) ? (item['parameters'] as unknown[]) : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isRecord(op)) continue;
      const own: unknown[] = Array.isArray(op['parameters']) ? (op['parameters'] as unknown[]) : [];
      const params = [...shared, ...own].filter(isRecord);
      const named = (where: string): string[] => params.filter((p) => p['in'] === where && typeof p['name'] === 'string').map((p) => String(p['name']));
      const declaredPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
      const body = isRecord(op['requestBody']) && isRecord(op['requestBody']['content']) ? Object.keys(op['requestBody']['content']) : [];
      ops.push({ method: method.toUpperCase(), path, pathParams: [...new Set([...declaredPath, ...named('path')])], queryParams: named('query'), bodyTypes: body });
    }
  }
  return ops;
}

export const INJECTIONS = [
  "' OR '1'='1' --",
  "'; DROP TABLE tickets; --",
  '{"$gt": ""}',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}<%= 7*7 %>',
  'a\u0000b NUL \u0000',
  '\u202eevil\u200b\ud83d\ude00 表情',
] as const;

export const BILLION_LAUGHS =
  '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n') +
  '\n]>\n<xml><ToUserName>&lol9;</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>';

export const XXE =
  '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>';

/** WeChat's server signature: SHA-1 of the sorted token, timestamp and nonce. */
export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

function fillPath(op: Operation, ctx: HostileContext, override?: string): string {
  let path = op.path;
  for (const p of op.pathParams) {
    const value = override ?? (/tenant/i.test(p) ? (/wechat/i.test(op.path) ? ctx.wechat.tenantId : ctx.tenantId) : randomUUID());
    path = path.replace(`{${p}}`, value);
  }
  return path;
}

function withQuery(path: string, query: string): string {
  return query === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** A sensible-looking call whose text fields carry the hostile strings, each field a different one from `offset`. */
export function textFieldsBody(offset: number): Record<string, unknown> {
  const pick = (i: number): string => INJECTIONS[(offset + i) % INJECTIONS.length] ?? '';
  return {
    channel: 'web',
    customer: { externalId: pick(0), email: `${pick(1)}@example.com`, name: pick(2) },
    subject: pick(3),
    body: pick(4),
    name: pick(5),
    title: pick(6),
    q: pick(7),
    query: pick(8),
    reason: pick(0),
    agentId: pick(1),
    comment: pick(2),
    tags: [pick(3)],
    metadata: { [pick(4)]: pick(5) },
  };
}

function invalidUtf8Json(): Buffer {
  return Buffer.concat([
    Buffer.from('{"channel":"web","customer":{"externalId":"bad-'),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
    Buffer.from('"},"subject":"'),
    Buffer.from([0xe2, 0x82]),
    Buffer.from('","body":"broken '),
    Buffer.from([0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80]),
    Buffer.from(' end"}'),
  ]);
}

const MIME_BROKEN = [
  'From: =?gbk?B?',
  'To: support@example.com',
  'Subject: =?utf-8?Q?=E4=BD=A0=E5?=',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: multipart/mixed; boundary="b2"',
  '',
  '--b2',
  'Content-Type: text/plain; charset=x-unknown-charset',
  'Content-Transfer-Encoding: base64',
  '',
  '!!!not base64!!!',
  '--b2',
].join('\r\n');

function nestedMultipart(depth: number): string {
  let body = 'Content-Type: text/plain\r\n\r\ninner\r\n';
  for (let i = depth; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n${body}--d${i}--\r\n`;
  return `From: a@example.com\r\nTo: b@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n${body}`;
}

/**
 * The hostile requests for one operation: random bytes, deep and huge JSON, invalid UTF-8, GBK sent
 * without a charset, injection strings in every text field, path and query, XML entity expansion,
 * and bodies of `bigBodyBytes`. None of them may get a 5xx.
 */
export function hostileRequests(op: Operation, ctx: HostileContext, big: Buffer = randomBytes(ctx.bigBodyBytes)): HostileRequest[] {
  const name = `${op.method} ${op.path}`;
  const auth = { authorization: `Bearer ${ctx.apiKey}` };
  const out: HostileRequest[] = [];
  const isWechat = /wechat/i.test(op.path);
  const base = fillPath(op, ctx);
  const wechatQuery = (): string => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    return `signature=${wechatSignature(ctx.wechat.token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&openid=o-drill`;
  };
  const add = (variant: string, options: { path?: string; headers?: Record<string, string>; body?: Buffer | string; oversized?: boolean; noAuth?: boolean } = {}): void => {
    const path = options.path ?? (isWechat ? withQuery(base, wechatQuery()) : base);
    out.push({
      operation: name,
      variant,
      method: op.method,
      path,
      headers: { ...(options.noAuth ? {} : auth), ...(options.headers ?? {}) },
      body: options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8'),
      oversized: options.oversized ?? false,
    });
  };

  // Path and query: every operation.
  if (op.pathParams.length > 0) {
    add('path: injection', { path: fillPath(op, ctx, encodeURIComponent(INJECTIONS[0])) });
    add('path: traversal', { path: fillPath(op, ctx, '..%2F..%2F..%2Fetc%2Fpasswd') });
    add('path: 5,000 characters', { path: fillPath(op, ctx, 'a'.repeat(5000)) });
    add('path: NUL and invalid percent-encoding', { path: fillPath(op, ctx, '%00%ff%fe%c3%28') });
  }
  const params = op.queryParams.length > 0 ? op.queryParams : ['q'];
  for (let round = 0; round < 3; round++) {
    // Every parameter gets an injection string, a different one each round.
    const query = params.map((p, i) => `${encodeURIComponent(p)}=${encodeURIComponent(INJECTIONS[(round * 3 + i) % INJECTIONS.length] ?? '')}`).join('&');
    add(`query: injection strings (round ${round + 1})`, { path: withQuery(isWechat ? withQuery(base, wechatQuery()) : base, query) });
  }
  add('query: limit out of range', { path: withQuery(base, 'limit=-1&cursor=%00%ff') });
  add('query: huge numbers', { path: withQuery(base, 'limit=99999999999999999999999&from=9999-99-99&to=-1') });
  add('query: garbage cursor', { path: withQuery(base, `cursor=${Buffer.from('{"at":"x","id":"\' OR 1=1"}').toString('base64url')}`) });
  add('query: 60 KB', { path: withQuery(base, `q=${'x'.repeat(60_000)}`), oversized: true });
  add('header: 60 KB', { headers: { 'x-padding': 'y'.repeat(60_000) }, oversized: true });
  add('auth: none', { noAuth: true });
  add('auth: injection', { noAuth: true, headers: { authorization: `Bearer ${INJECTIONS[0]}`, 'x-api-key': INJECTIONS[1] } });

  if (op.method === 'GET' || op.method === 'DELETE') return out;

  const json = { 'content-type': 'application/json' };
  add('body: random bytes as JSON', { headers: json, body: randomBytes(4096) });
  add('body: random bytes, octet-stream', { headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(4096) });
  add('body: 100,000-deep array', { headers: json, body: '['.repeat(100_000) + ']'.repeat(100_000) });
  add('body: 20,000-deep object', { headers: json, body: '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000) });
  add('body: 200,000-element array', { headers: json, body: `[${'0,'.repeat(199_999)}0]` });
  add(`body: JSON with a ${Math.round(Math.max(0, ctx.bigBodyBytes - 1_000_000) / 1e6)} MB string`, { headers: json, body: `{"channel":"web","customer":{"externalId":"x"},"body":"${'x'.repeat(Math.max(0, ctx.bigBodyBytes - 1_000_000))}"}`, oversized: true });
  add(`body: ${Math.round(ctx.bigBodyBytes / 1e6)} MB of random bytes as JSON`, { headers: json, body: big, oversized: true });
  add('body: invalid UTF-8', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: invalidUtf8Json() });
  add('body: GBK without a charset', {
    headers: json,
    body: iconv.encode(JSON.stringify({ channel: 'web', customer: { externalId: 'gbk-customer', name: '张三' }, subject: '退款', body: '我的订单还没有退款，请尽快处理。' }), 'gbk'),
  });
  for (let round = 0; round < 3; round++) add(`body: injection strings in every text field (round ${round + 1})`, { headers: json, body: JSON.stringify(textFieldsBody(round * 3)) });
  add('body: NUL characters in every text field', { headers: json, body: JSON.stringify(textFieldsBody(7)).replace(/NUL/g, 'NUL\\u0000') });
  add('body: prototype pollution', { headers: json, body: '{"__proto__":{"admin":true,"status":500},"constructor":{"prototype":{"polluted":true}},"channel":"web","customer":{"externalId":"p"},"body":"x"}' });
  add('body: wrong types everywhere', { headers: json, body: '{"channel":1,"customer":"x","body":["a"],"limit":{},"csat":"5","nps":true,"helpful":"yes","examples":"none","skills":7}' });
  add('body: numbers out of range', { headers: json, body: '{"csat":1e309,"nps":-0,"size":123456789012345678901234567890,"durationSec":-1e308,"maxConcurrent":1.5}' });
  add('body: empty with JSON type', { headers: json, body: '' });
  add('body: JSON array at the top', { headers: json, body: '[1,2,3]' });
  add('body: duplicate keys', { headers: json, body: '{"body":"a","body":{"x":1},"channel":"web","channel":"nope"}' });
  add('body: text/plain', { headers: { 'content-type': 'text/plain' }, body: 'hello' });
  add('body: no content type', { body: '{"a":1}' });
  add('body: XML entity expansion', { headers: { 'content-type': 'application/xml' }, body: BILLION_LAUGHS });
  add('body: multipart garbage', { headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, body: '--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\n' + 'b'.repeat(1000) });

  const xml = isWechat || op.bodyTypes.some((t) => /xml/.test(t));
  if (xml) {
    const xmlType = { 'content-type': 'text/xml' };
    add('xml: billion laughs', { headers: xmlType, body: BILLION_LAUGHS });
    add('xml: external entity (XXE)', { headers: xmlType, body: XXE });
    add('xml: malformed', { headers: xmlType, body: '<xml><ToUserName>a</ToUserName><Content><![CDATA[unclosed' });
    add('xml: GBK without a charset', {
      headers: xmlType,
      body: iconv.encode('<xml><ToUserName>gh</ToUserName><FromUserName>o-gbk</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>退款还没到账</Content><MsgId>3</MsgId></xml>', 'gbk'),
    });
    add('xml: injection content', {
      headers: xmlType,
      body: `<xml><ToUserName>gh</ToUserName><FromUserName>o-inj</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[${INJECTIONS.join(' ')}]]></Content><MsgId>4</MsgId></xml>`,
    });
    add('xml: 100,000 nested elements', { headers: xmlType, body: '<a>'.repeat(100_000) + '</a>'.repeat(100_000) });
    add(`xml: ${Math.round(ctx.bigBodyBytes / 1e6)} MB`, { headers: xmlType, body: `<xml><Content>${'x'.repeat(ctx.bigBodyBytes)}</Content></xml>`, oversized: true });
  }
  const mime = op.bodyTypes.some((t) => /rfc822/.test(t)) || /email/i.test(op.path);
  if (mime) {
    const rfc822 = { 'content-type': 'message/rfc822' };
    add('mime: random bytes', { headers: rfc822, body: randomBytes(8192) });
    add('mime: broken headers and parts', { headers: rfc822, body: MIME_BROKEN });
    add('mime: 500-deep multipart', { headers: rfc822, body: nestedMultipart(500) });
    add('mime: GBK body without a charset', {
      headers: rfc822,
      body: Buffer.concat([Buffer.from('From: li@example.com\r\nTo: support@example.com\r\nSubject: refund\r\n\r\n'), iconv.encode('退款还没有到账，请处理。', 'gbk')]),
    });
    add('mime: injection headers', { headers: rfc822, body: `From: "${INJECTIONS[0]}" <x@example.com>\r\nTo: support@example.com\r\nSubject: ${INJECTIONS[1]}\r\nMessage-ID: <${INJECTIONS[3]}>\r\nIn-Reply-To: <${INJECTIONS[0]}>\r\n\r\n${INJECTIONS.join('\r\n')}` });
    add('mime: 100 KB header line', { headers: rfc822, body: `From: a@example.com\r\nSubject: ${'s'.repeat(100_000)}\r\n\r\nbody` });
    add(`mime: ${Math.round(ctx.bigBodyBytes / 1e6)} MB`, { headers: rfc822, body: Buffer.concat([Buffer.from('From: a@example.com\r\nSubject: big\r\n\r\n'), big]), oversized: true });
  }
  return out;
}
