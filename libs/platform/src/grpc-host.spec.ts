import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import pino from 'pino';
import { PROTO_DIR } from '@helpdesk/contracts';
import type { AuthContext } from './auth';
import { GrpcHost, headersToMetadata } from './grpc-host';
import { ProblemException } from './problem';
import { rateLimitVerdict, type RateLimitVerdict } from './rate-limit';

/** The host in process with a fake key store and limiter: where the limiter sits and what a refusal carries. */
type Json = Record<string, unknown>;

const AUTH: AuthContext = { tenantId: 't-1', keyId: 'k-1', scopes: ['messages:write', 'tickets:read'] };
const ALLOWED = rateLimitVerdict([{ allowed: true, limit: 5, remaining: 3, retryAfterMs: 0, resetMs: 24_000 }]);
const REFUSED = rateLimitVerdict([{ allowed: false, limit: 5, remaining: 0, retryAfterMs: 11_500, resetMs: 60_000 }]);

let verdict: RateLimitVerdict | null = ALLOWED;
let admitted: string[] = [];
let handled = 0;
const host = new GrpcHost(
  { authenticate: (key: string) => Promise.resolve(key === 'good-key' ? AUTH : null) },
  {
    admit: (auth: Pick<AuthContext, 'keyId' | 'tenantId'>) => {
      admitted.push(`${auth.tenantId}/${auth.keyId}`);
      return Promise.resolve(verdict);
    },
  },
  pino({ level: 'silent' }),
);
let client: grpc.Client;
let submit: grpc.MethodDefinition<object, Json>;
let watch: grpc.MethodDefinition<object, Json>;

interface Outcome {
  code: grpc.status;
  headers: grpc.Metadata | undefined;
  trailers: grpc.Metadata;
  messages: Json[];
}

function metadataFor(key?: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (key) metadata.set('authorization', `Bearer ${key}`);
  return metadata;
}

function unary(key?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let headers: grpc.Metadata | undefined;
    const messages: Json[] = [];
    const call = client.makeUnaryRequest(submit.path, submit.requestSerialize, submit.responseDeserialize, { body: 'hi' }, metadataFor(key), { deadline: Date.now() + 5000 }, (_err, response) => {
      if (response) messages.push(response);
    });
    call.on('metadata', (m: grpc.Metadata) => (headers = m));
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, headers, trailers: s.metadata, messages }));
  });
}

function stream(key?: string, request: object = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    let headers: grpc.Metadata | undefined;
    const messages: Json[] = [];
    const call = client.makeServerStreamRequest(watch.path, watch.requestSerialize, watch.responseDeserialize, request, metadataFor(key), { deadline: Date.now() + 5000 });
    call.on('metadata', (m: grpc.Metadata) => (headers = m));
    call.on('data', (m: Json) => messages.push(m));
    call.on('error', () => undefined);
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, headers, trailers: s.metadata, messages }));
  });
}

const one = (metadata: grpc.Metadata | undefined, key: string): grpc.MetadataValue | undefined => metadata?.get(key)[0];

beforeAll(async () => {
  host.addUnary<{ body: string }, Json>('ingestion.v1.Ingestion', 'SubmitMessage', ['messages:write'], async () => {
    handled++;
    return { messageId: 'm-1', conversationId: 'c-1', customerId: 'cu-1', status: 'accepted' };
  });
  host.addServerStream<{ types: string[] }, Json>('triage.v1.Tickets', 'WatchTickets', ['tickets:read'], async (request, _auth, write) => {
    handled++;
    if (request.types.includes('bogus')) throw new ProblemException(400, 'unknown ticket event type(s): bogus');
    for (const position of ['1', '2', '3']) await write({ position, type: 'ticket.created' });
  });
  await host.start('127.0.0.1', 0);
  const load = (file: string, service: string): grpc.ServiceDefinition =>
    protoLoader.loadSync(join(PROTO_DIR, 'helpdesk', file), { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true })[service] as grpc.ServiceDefinition;
  submit = load('ingestion.proto', 'ingestion.v1.Ingestion').SubmitMessage as grpc.MethodDefinition<object, Json>;
  watch = load('triage.proto', 'triage.v1.Tickets').WatchTickets as grpc.MethodDefinition<object, Json>;
  client = new grpc.Client(`127.0.0.1:${host.port}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await host.stop(1000);
});

beforeEach(() => {
  verdict = ALLOWED;
  admitted = [];
  handled = 0;
});

describe('GrpcHost rate limits', () => {
  it('admits a unary call within the limit and sends the ratelimit-* values as response headers', async () => {
    const outcome = await unary('good-key');
    expect(outcome.code).toBe(grpc.status.OK);
    expect(outcome.messages).toEqual([expect.objectContaining({ messageId: 'm-1' })]);
    expect(admitted).toEqual(['t-1/k-1']);
    expect(one(outcome.headers, 'ratelimit-limit')).toBe('5');
    expect(one(outcome.headers, 'ratelimit-remaining')).toBe('3');
    expect(one(outcome.headers, 'ratelimit-reset')).toBe('24');
  });

  it('refuses a unary call over the limit with RESOURCE_EXHAUSTED, retry-after and ratelimit-* trailers, before the handler', async () => {
    verdict = REFUSED;
    const outcome = await unary('good-key');
    expect(outcome.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(handled).toBe(0);
    expect(one(outcome.trailers, 'retry-after')).toBe('12');
    expect(one(outcome.trailers, 'ratelimit-limit')).toBe('5');
    expect(one(outcome.trailers, 'ratelimit-remaining')).toBe('0');
    expect(one(outcome.trailers, 'ratelimit-reset')).toBe('60');
    expect(JSON.parse(String(one(outcome.trailers, 'problem-json')))).toMatchObject({ status: 429, type: 'https://errors.helpdesk.local/rate-limited' });
  });

  it('counts a server stream once, when it opens, however many messages it carries', async () => {
    const outcome = await stream('good-key');
    expect(outcome.code).toBe(grpc.status.OK);
    expect(outcome.messages.map((m) => m.position)).toEqual(['1', '2', '3']);
    expect(admitted).toEqual(['t-1/k-1']);
    expect(one(outcome.headers, 'ratelimit-remaining')).toBe('3');
  });

  it('refuses to open a stream over the limit', async () => {
    verdict = REFUSED;
    const outcome = await stream('good-key');
    expect(outcome.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(outcome.messages).toEqual([]);
    expect(handled).toBe(0);
    expect(one(outcome.trailers, 'retry-after')).toBe('12');
  });

  it('ends a stream whose handler fails with its status instead of leaving the client waiting', async () => {
    const outcome = await stream('good-key', { types: ['bogus'] });
    expect(outcome.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(JSON.parse(String(one(outcome.trailers, 'problem-json')))).toMatchObject({ status: 400 });
  });

  it('lets calls pass when the limiter cannot reach Redis', async () => {
    verdict = null;
    expect((await unary('good-key')).code).toBe(grpc.status.OK);
    expect((await stream('good-key')).code).toBe(grpc.status.OK);
    expect(handled).toBe(2);
  });

  it('authenticates first: a call without a valid key takes no token', async () => {
    expect((await unary()).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await stream('bad-key')).code).toBe(grpc.status.UNAUTHENTICATED);
    expect(admitted).toEqual([]);
  });
});

describe('headersToMetadata', () => {
  it('lower-cases header names and drops what gRPC metadata cannot carry', () => {
    const metadata = headersToMetadata({ 'Retry-After': '10', 'RateLimit-Limit': '6', 'grpc-status': '0', 'x-trace-bin': 'AAEC', 'Bad Header': 'x' });
    expect(metadata.getMap()).toEqual({ 'retry-after': '10', 'ratelimit-limit': '6' });
  });
});
