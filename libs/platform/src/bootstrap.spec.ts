import { request } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { watchRequests } from './bootstrap';

interface Warning {
  fields: { route?: string; status?: number; ms?: number };
  message: string;
}

describe('watchRequests', () => {
  let app: FastifyInstance;
  let warnings: Warning[];
  let answered: string[];
  let release: () => void;
  let entered: () => void;
  let hangEntered: Promise<void>;
  let warned: Promise<void>;

  beforeEach(async () => {
    warnings = [];
    answered = [];
    hangEntered = new Promise((resolve) => (entered = resolve));
    let firstWarning: () => void = () => undefined;
    warned = new Promise((resolve) => (firstWarning = resolve));
    app = Fastify();
    watchRequests(
      app,
      {
        warn: (fields: Warning['fields'], message: string) => {
          warnings.push({ fields, message });
          firstWarning();
        },
      } as never,
      250,
      (_request, reply, route) => void answered.push(`${route} ${reply.statusCode}`),
    );
    app.get('/fast', () => ({ ok: true }));
    // Answers once Fastify's own clock for the request has passed the threshold: slow by what is measured, not by a guess.
    app.get('/slow', async (_request, reply) => {
      while (reply.elapsedTime < 260) await new Promise((resolve) => setImmediate(resolve));
      return { ok: true };
    });
    app.get('/hang', () => {
      entered();
      return new Promise((resolve) => (release = () => resolve({ late: true })));
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterEach(async () => {
    release?.();
    await app.close();
  });

  const port = (): number => {
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  };

  it('counts every answer and warns only about the slow one', async () => {
    expect((await app.inject({ method: 'GET', url: '/fast' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/slow' })).statusCode).toBe(200);
    expect(answered).toEqual(['/fast 200', '/slow 200']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toBe('slow request');
    expect(warnings[0]?.fields.route).toBe('/slow');
    expect(warnings[0]?.fields.ms).toBeGreaterThanOrEqual(250);
  });

  it('warns about a connection the client closed while it waited for the answer', async () => {
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: port(), path: '/hang', method: 'GET' });
      req.on('error', () => resolve());
      req.end();
      // The client gives up while the handler is still working on its answer.
      void hangEntered.then(() => req.destroy(new Error('gave up')));
    });
    await warned;
    expect(warnings.map((w) => w.message)).toEqual(['connection closed before the answer was sent']);
    expect(warnings[0]?.fields.route).toBe('/hang');
    expect(typeof warnings[0]?.fields.ms).toBe('number');
    expect(answered).toEqual([]);
  });
});
