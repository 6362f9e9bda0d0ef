import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpResult {
  /** 0 when no response arrived (connection refused or reset, timeout). */
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  ms: number;
  error?: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

/**
 * A keep-alive HTTP/1.1 client for 127.0.0.1 only. Lighter than fetch under load, and it keeps a
 * response that arrived before the server stopped reading an oversized body.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  /** `keepAlive: false` opens a connection per request: a server may close one after refusing a request. */
  constructor(
    readonly baseUrl: string,
    maxSockets = 256,
    private readonly keepAlive = true,
  ) {
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is driven, not ${url.hostname}`);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const started = performance.now();
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (!this.keepAlive) headers['connection'] = 'close';
    if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
    return new Promise((resolve) => {
      let settled = false;
      let response: { status: number; headers: IncomingHttpHeaders; chunks: Buffer[] } | undefined;
      const finish = (result: Omit<HttpResult, 'ms'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, ms: performance.now() - started });
      };
      const req = request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        response = { status: res.statusCode ?? 0, headers: res.headers, chunks: [] };
        const current = response;
        res.on('data', (chunk: Buffer) => current.chunks.push(chunk));
        res.on('end', () => finish({ status: current.status, headers: current.headers, body: Buffer.concat(current.chunks) }));
        res.on('error', (err) => finish({ status: current.status, headers: current.headers, body: Buffer.concat(current.chunks), error: err.message }));
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`no response within ${options.timeoutMs ?? 30_000} ms`));
      }, options.timeoutMs ?? 30_000);
      req.on('error', (err) => {
        // A server may answer (413) and close before reading the whole body: keep its answer.
        if (response) finish({ status: response.status, headers: response.headers, body: Buffer.concat(response.chunks), error: err.message });
        else finish({ status: 0, headers: {}, body: Buffer.alloc(0), error: err.message });
      });
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  async json(method: string, path: string, apiKey: string | undefined, payload?: unknown, extraHeaders: Record<string, string> = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (apiKey !== undefined) headers['authorization'] = `Bearer ${apiKey}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return this.request(method, path, { headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The parsed JSON body of a response, or undefined when it is not JSON. */
export function jsonBody(result: HttpResult): unknown {
  try {
    return JSON.parse(result.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, field: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[field];
  return typeof v === 'string' ? v : undefined;
}
