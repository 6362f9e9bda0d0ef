import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../domain/channels/webhook/webhook-signature';
import { PermanentDeliveryError, RetryableDeliveryError } from './channel-delivery.error';
import { WebhookReplySender } from './webhook-reply.sender';

const NOW = new Date('2025-11-03T02:00:00Z');
const SECRET = 'partner-secret';

describe('WebhookReplySender against a local partner endpoint', () => {
  let server: Server;
  let base = '';
  const accepted: { body: unknown; idempotencyKey: string | undefined; eventType: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (req.url === '/busy') {
          res.writeHead(503, { 'retry-after': '7' }).end();
          return;
        }
        if (req.url === '/gone') {
          res.writeHead(410).end();
          return;
        }
        if (req.url === '/moved') {
          res.writeHead(302, { location: '/hook' }).end();
          return;
        }
        const check = verifyWebhookSignature(SECRET, raw, req.headers['x-signature'], NOW.getTime() / 1000);
        if (!check.valid) {
          res.writeHead(401).end(check.reason);
          return;
        }
        accepted.push({
          body: JSON.parse(raw),
          idempotencyKey: req.headers['idempotency-key'] as string | undefined,
          eventType: req.headers['x-event-type'] as string | undefined,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const sender = new WebhookReplySender({ now: () => NOW, timeoutMs: 5000 });
  const payload = { conversationId: 'c-1', messageId: 'm-9', body: '您好，问题已解决。' };

  it('posts JSON the partner can verify with the shared secret', async () => {
    const result = await sender.send({
      url: `${base}/hook`,
      secret: SECRET,
      payload,
      idempotencyKey: 'delivery-1',
      eventType: 'reply.requested',
    });
    expect(result.status).toBe(204);
    expect(result.signature).toMatch(/^t=1762135200,v1=[0-9a-f]{64}$/);
    expect(accepted.at(-1)).toEqual({
      body: payload,
      idempotencyKey: 'delivery-1',
      eventType: 'reply.requested',
    });
  });

  it('is refused by a partner holding another secret', async () => {
    const failure = await sender
      .send({ url: `${base}/hook`, secret: 'wrong', payload })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect(failure).toMatchObject({ code: 'http-401' });
  });

  it('classifies partner answers for retry or dead-letter', async () => {
    await expect(sender.send({ url: `${base}/busy`, secret: SECRET, payload })).rejects.toMatchObject({
      code: 'http-503',
      retryable: true,
      retryAfterSec: 7,
    });
    await expect(sender.send({ url: `${base}/gone`, secret: SECRET, payload })).rejects.toMatchObject({
      code: 'http-410',
      retryable: false,
    });
    await expect(sender.send({ url: `${base}/moved`, secret: SECRET, payload })).rejects.toMatchObject({
      code: 'http-302',
      retryable: false,
    });
    await expect(sender.send({ url: 'ftp://example.test/x', secret: SECRET, payload })).rejects.toMatchObject(
      { code: 'invalid-url' },
    );
    await expect(
      sender.send({ url: `${base}/hook`, secret: SECRET, payload: undefined }),
    ).rejects.toMatchObject({ code: 'invalid-payload' });
  });

  it('reports an unreachable partner as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = await sender
      .send({ url: `http://127.0.0.1:${port}/hook`, secret: SECRET, payload })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryableDeliveryError);
    expect(failure).toMatchObject({ code: 'network' });
  });
});
