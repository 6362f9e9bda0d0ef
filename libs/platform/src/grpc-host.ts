import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { PROTO_DIR, type ApiKeyScope } from '@helpdesk/contracts';
import { runWithCorrelation } from '@helpdesk/messaging';
import { randomUUID } from 'node:crypto';
import type { ApiKeyStore, AuthContext } from './auth';
import type { AppLogger } from './logger';
import { ProblemException, type DomainErrorMapper, type ProblemFieldError } from './problem';
import { toProblem } from './problem.filter';
import { rateLimitExceeded, type RateLimiter } from './rate-limit';

export type UnaryHandler<Req, Res> = (request: Req, auth: AuthContext) => Promise<Res>;
export type StreamHandler<Req, Res> = (request: Req, auth: AuthContext, write: (message: Res) => Promise<void>, signal: AbortSignal) => Promise<void>;

const GRPC_STATUS: Record<number, grpc.status> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  403: grpc.status.PERMISSION_DENIED,
  404: grpc.status.NOT_FOUND,
  409: grpc.status.FAILED_PRECONDITION,
  413: grpc.status.RESOURCE_EXHAUSTED,
  415: grpc.status.INVALID_ARGUMENT,
  422: grpc.status.FAILED_PRECONDITION,
  429: grpc.status.RESOURCE_EXHAUSTED,
  503: grpc.status.UNAVAILABLE,
};

// Lower-case ASCII metadata keys; '-bin' keys would need binary values, and 'grpc-' ones are reserved.
const METADATA_KEY = /^(?!grpc-)[0-9a-z_.-]+$/;

/** HTTP header names and values as gRPC metadata (keys lower-cased; ones gRPC cannot carry are dropped). */
export function headersToMetadata(headers: Record<string, string>, metadata = new grpc.Metadata()): grpc.Metadata {
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (METADATA_KEY.test(key) && !key.endsWith('-bin')) metadata.set(key, value);
  }
  return metadata;
}

/**
 * The same problem as over HTTP, as a gRPC status; the problem document rides along in metadata, and so do
 * the headers HTTP would send with it (a refusal's `retry-after` and `ratelimit-*`).
 */
export function toGrpcError(error: unknown, mapDomainError?: DomainErrorMapper): grpc.ServiceError {
  const { body, headers } = toProblem(error, mapDomainError);
  const metadata = headersToMetadata(headers ?? {});
  metadata.set('problem-json', JSON.stringify(body));
  const code = GRPC_STATUS[body.status] ?? (body.status >= 500 ? grpc.status.INTERNAL : grpc.status.UNKNOWN);
  const serviceError: grpc.ServiceError = Object.assign(new Error(body.detail ?? body.title), { code, details: body.detail ?? body.title, metadata });
  return serviceError;
}

function flatten(errors: ValidationError[], prefix = ''): ProblemFieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((message) => ({ field, message })), ...flatten(e.children ?? [], field)];
  });
}

/** Validates a decoded request with the same DTO classes as the REST API. */
export function validateRequest<T extends object>(cls: new () => T, plain: object): T {
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: false });
  if (errors.length > 0) throw new ProblemException(400, 'request is invalid', flatten(errors));
  return instance;
}

let packageDefinition: grpc.GrpcObject | undefined;
function loadProtos(): grpc.GrpcObject {
  if (!packageDefinition) {
    const dir = join(PROTO_DIR, 'helpdesk');
    const files = readdirSync(dir).filter((f) => f.endsWith('.proto')).map((f) => join(dir, f));
    packageDefinition = grpc.loadPackageDefinition(
      protoLoader.loadSync(files, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true }),
    );
  }
  return packageDefinition;
}

function lookupService(path: string): grpc.ServiceDefinition {
  let node: unknown = loadProtos();
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  const service = (node as { service?: grpc.ServiceDefinition } | undefined)?.service;
  if (!service) throw new Error(`no gRPC service ${path} in ${PROTO_DIR}`);
  return service;
}

/**
 * One gRPC server per service instance, with the API-key auth, rate limits and problem mapping of the REST
 * API. Every call (a server stream counts once, when it opens) takes a token from its key's and its tenant's
 * bucket right after authentication. Services register methods at module init; the server starts only if
 * any were registered.
 */
export class GrpcHost {
  private readonly implementations = new Map<string, grpc.UntypedServiceImplementation>();
  private server: grpc.Server | undefined;
  private boundPort = 0;
  private readonly activeStreams = new Set<AbortController>();

  constructor(
    private readonly keys: Pick<ApiKeyStore, 'authenticate'>,
    private readonly limiter: Pick<RateLimiter, 'admit'>,
    private readonly logger: AppLogger,
    private readonly mapDomainError?: DomainErrorMapper,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  addUnary<Req, Res>(service: string, method: string, scopes: ApiKeyScope[], handler: UnaryHandler<Req, Res>): void {
    this.implementation(service)[method] = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
      void this.admit(call, scopes)
        .then((auth) => runWithCorrelation({ correlationId: this.correlationOf(call.metadata), causationId: null, tenantId: auth.tenantId }, () => handler(call.request, auth)))
        .then(
          (result) => callback(null, result),
          (err: unknown) => callback(this.fail(err, `${service}/${method}`)),
        );
    };
  }

  addServerStream<Req, Res>(service: string, method: string, scopes: ApiKeyScope[], handler: StreamHandler<Req, Res>): void {
    this.implementation(service)[method] = (call: grpc.ServerWritableStream<Req, Res>) => {
      const abort = new AbortController();
      this.activeStreams.add(abort);
      call.on('cancelled', () => abort.abort());
      call.on('close', () => abort.abort());
      const write = (message: Res): Promise<void> =>
        new Promise((resolve) => {
          if (abort.signal.aborted) return resolve();
          // Back-pressure: wait for drain when the client reads slower than we write.
          if (call.write(message)) resolve();
          else call.once('drain', () => resolve());
        });
      void this.admit(call, scopes)
        .then((auth) => handler(call.request, auth, write, abort.signal))
        .then(
          () => call.end(),
          (err: unknown) => {
            // grpc-js sends a stream's error status on 'error'; destroy() would drop it and leave the client waiting.
            if (!abort.signal.aborted) call.emit('error', this.fail(err, `${service}/${method}`));
          },
        )
        .finally(() => this.activeStreams.delete(abort));
    };
  }

  async start(host: string, port: number): Promise<void> {
    if (this.implementations.size === 0) return;
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
    for (const [path, impl] of this.implementations) server.addService(lookupService(path), impl);
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    this.server = server;
    this.logger.info({ grpc: `${host}:${this.boundPort}`, services: [...this.implementations.keys()] }, 'gRPC listening');
  }

  async stop(timeoutMs = 5000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const stream of this.activeStreams) stream.abort();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, timeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private implementation(service: string): grpc.UntypedServiceImplementation {
    let impl = this.implementations.get(service);
    if (!impl) {
      impl = {};
      this.implementations.set(service, impl);
    }
    return impl;
  }

  private correlationOf(metadata: grpc.Metadata): string {
    const value = metadata.get('x-correlation-id')[0];
    return typeof value === 'string' && value.length > 0 && value.length <= 100 ? value : randomUUID();
  }

  /**
   * Authentication, then the rate limits, as ApiKeyGuard and RateLimitGuard do over HTTP: over a limit the call
   * ends with RESOURCE_EXHAUSTED and `retry-after`/`ratelimit-*` trailers; within it the `ratelimit-*` values
   * go out as response headers. If Redis is unreachable the call passes.
   */
  private async admit(call: { metadata: grpc.Metadata; sendMetadata(metadata: grpc.Metadata): void }, scopes: ApiKeyScope[]): Promise<AuthContext> {
    const auth = await this.authenticate(call.metadata, scopes);
    const verdict = await this.limiter.admit(auth);
    if (verdict && !verdict.allowed) throw rateLimitExceeded(verdict);
    if (verdict) call.sendMetadata(headersToMetadata(verdict.headers));
    return auth;
  }

  private async authenticate(metadata: grpc.Metadata, scopes: ApiKeyScope[]): Promise<AuthContext> {
    const header = metadata.get('authorization')[0] ?? metadata.get('x-api-key')[0];
    const raw = typeof header === 'string' ? header.replace(/^Bearer\s+/i, '').trim() : '';
    if (!raw || raw.length > 200) throw new ProblemException(401, 'missing API key: send metadata authorization: Bearer <key>');
    const auth = await this.keys.authenticate(raw);
    if (!auth) throw new ProblemException(401, 'unknown, revoked or expired API key');
    const missing = scopes.filter((s) => !auth.scopes.includes(s) && !auth.scopes.includes('admin'));
    if (missing.length > 0) throw new ProblemException(403, `API key lacks scope(s): ${missing.join(', ')}`);
    return auth;
  }

  private fail(err: unknown, method: string): grpc.ServiceError {
    const error = toGrpcError(err, this.mapDomainError);
    if (error.code === grpc.status.INTERNAL) this.logger.error({ err, method }, 'gRPC handler failed');
    return error;
  }
}
