import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '@helpdesk/contracts';
import { expectEventually } from '@helpdesk/testing';
import {
  TriageApi,
  disconnectProducer,
  newTenant,
  sendMessage,
  startTriage,
  withDatabase,
  type Json,
  type RunningTriage,
} from './support/triage-harness';

/** `triage.v1.Tickets` with a real gRPC client on the shared proto: GetTicket, ListTickets, and WatchTickets live and resumed. */
jest.setTimeout(60_000);

const GRPC_PORT = 4361;

let triage: RunningTriage;
let api: TriageApi;
let tenantId: string;
let key: string;
let client: grpc.Client;
let methods: Record<'GetTicket' | 'ListTickets' | 'WatchTickets', grpc.MethodDefinition<object, Json>>;

beforeAll(async () => {
  const tenant = await newTenant('grpc');
  tenantId = tenant.tenantId;
  key = tenant.key;
  triage = await startTriage(4360, { GRPC_PORT: String(GRPC_PORT) });
  api = new TriageApi(triage.baseUrl, key);
  await api.putAgent('grpc-agent', { maxConcurrent: 10 });
  const definition = protoLoader.loadSync(join(PROTO_DIR, 'helpdesk', 'triage.proto'), {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = (
    grpc.loadPackageDefinition(definition) as unknown as {
      triage: { v1: { Tickets: grpc.ServiceClientConstructor } };
    }
  ).triage.v1.Tickets;
  client = new service(`127.0.0.1:${GRPC_PORT}`, grpc.credentials.createInsecure());
  methods = service.service as unknown as typeof methods;
}, 120_000);

afterAll(async () => {
  client.close();
  await triage.close();
  await disconnectProducer();
}, 60_000);

function metadataFor(apiKey: string | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (apiKey) metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}

function unary(
  name: 'GetTicket' | 'ListTickets',
  request: object,
  apiKey: string | undefined = key,
): Promise<{ response?: Json; error?: grpc.ServiceError }> {
  const method = methods[name];
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      metadataFor(apiKey),
      { deadline: Date.now() + 10_000 },
      (error, response) => resolve(error ? { error } : { response: response ?? {} }),
    );
  });
}

/** The outbox position now: a watch from here sees every event published afterwards. */
async function head(): Promise<string> {
  return withDatabase(async (db) =>
    String(
      ((await db.query(`SELECT COALESCE(MAX(seq), 0) AS seq FROM triage.outbox`)).rows[0] as { seq: string })
        .seq,
    ),
  );
}

/** Opens WatchTickets and collects what arrives until closed. */
function watch(request: object): { events: Json[]; errors: grpc.ServiceError[]; close: () => void } {
  const method = methods.WatchTickets;
  const call = client.makeServerStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
    request,
    metadataFor(key),
    {},
  );
  const events: Json[] = [];
  const errors: grpc.ServiceError[] = [];
  call.on('data', (e: Json) => events.push(e));
  call.on('error', (err: grpc.ServiceError) => {
    if (err.code !== grpc.status.CANCELLED) errors.push(err);
  });
  return { events, errors, close: () => call.cancel() };
}

describe('triage.v1.Tickets', () => {
  let ticket: Json;

  it('WatchTickets streams the tenant’s ticket events live, in order, with increasing positions', async () => {
    const stream = watch({ fromPosition: await head(), types: [] });
    const m = await sendMessage({ tenantId, body: '请问会员怎么续费？', channel: 'web' });
    ticket = await api.awaitTicketOf(m.customerId, (t) => t.assigneeId === 'grpc-agent');
    const mine = await expectEventually(() => {
      const events = stream.events.filter((e) => e.ticketId === ticket.id);
      expect(events.map((e) => e.type)).toEqual([
        'ticket.created',
        'ticket.classified',
        'ticket.routed',
        'ticket.assigned',
      ]);
      return events;
    });
    stream.close();
    const positions = mine.map((e) => BigInt(e.position as string));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(JSON.parse(mine[0]?.payloadJson as string)).toMatchObject({
      ticketId: ticket.id,
      customerId: m.customerId,
      priority: 'P4',
    });
    expect(stream.errors).toEqual([]);

    // Resuming after the first event delivers the rest, nothing twice.
    const resumed = watch({ fromPosition: mine[0]?.position, types: [] });
    await expectEventually(() =>
      expect(resumed.events.filter((e) => e.ticketId === ticket.id).map((e) => e.type)).toEqual([
        'ticket.classified',
        'ticket.routed',
        'ticket.assigned',
      ]),
    );
    resumed.close();
    // A type filter keeps only those events.
    const filtered = watch({ fromPosition: mine[0]?.position, types: ['ticket.assigned'] });
    await expectEventually(() =>
      expect(filtered.events.filter((e) => e.ticketId === ticket.id).map((e) => e.type)).toEqual([
        'ticket.assigned',
      ]),
    );
    filtered.close();
  });

  it('GetTicket and ListTickets answer as the REST API does', async () => {
    const got = await unary('GetTicket', { id: ticket.id });
    expect(got.response).toMatchObject({
      id: ticket.id,
      customerId: ticket.customerId,
      status: 'open',
      priority: 'P4',
      queue: 'general',
      assigneeId: 'grpc-agent',
      resolvedAt: '',
      classification: { priority: 'P4', urgent: false },
    });
    const listed = await unary('ListTickets', { customerId: ticket.customerId });
    expect((listed.response?.items as Json[]).map((t) => t.id)).toEqual([ticket.id]);
  });

  it('answers bad input, missing keys and other tenants with the REST problem as a gRPC status', async () => {
    const invalid = await unary('GetTicket', { id: 'nope' });
    expect(invalid.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(JSON.parse(invalid.error?.metadata.get('problem-json')[0] as string)).toMatchObject({
      status: 400,
      errors: [{ field: 'id' }],
    });
    expect((await unary('ListTickets', { status: 'bogus' })).error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await unary('GetTicket', { id: ticket.id }, '')).error?.code).toBe(grpc.status.UNAUTHENTICATED);
    const other = await newTenant('grpc-other');
    expect((await unary('GetTicket', { id: ticket.id }, other.key)).error?.code).toBe(grpc.status.NOT_FOUND);
  });
});
