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

  beforeEach(async () => {
    warnings = [];
    answered = [];
    app = Fastify();
    watchRequests(
      app,
      { warn: (fields: Warning['fields'], message: string) => void warnings.push({ fields, message }) } as never,
      250,
      (_request, reply, route) => void answered.push(`${route} ${reply.statusCode}`),
    );
    app.get('/fast', () => ({ ok: true }));
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { ok: true };
    });
    app.get('/hang', () => new Promise((resolve) => (release = () => resolve({ late: true }))));
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
      setTimeout(() => req.destroy(new Error('gave up')), 100);
    });
    for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(warnings.map((w) => w.message)).toEqual(['connection closed before the answer was sent']);
    expect(warnings[0]?.fields.route).toBe('/hang');
    expect(typeof warnings[0]?.fields.ms).toBe('number');
    expect(answered).toEqual([]);
  });
});
