import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseInboundEmail, type ParsedEmail } from '../../domain/channels/email/inbound-email.parser';
import { PermanentDeliveryError, RetryableDeliveryError } from './channel-delivery.error';
import { SmtpReplySender } from './smtp-reply.sender';

interface Received {
  from: string;
  recipients: string[];
  raw: Buffer;
  parsed: ParsedEmail;
}

describe('SmtpReplySender against a local SMTP receiver', () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('blocked@'))
          return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        if (address.address.startsWith('busy@'))
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        return callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          parseInboundEmail(raw)
            .then((parsed) => {
              received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                recipients: session.envelope.rcptTo.map((r) => r.address),
                raw,
                parsed,
              });
              callback();
            })
            .catch((error: unknown) => callback(error instanceof Error ? error : new Error('unparseable')));
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const sender = (): SmtpReplySender =>
    new SmtpReplySender({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      from: { address: 'support@helpdesk.test', name: '客服中心' },
      connectionTimeoutMs: 5000,
    });

  it('delivers a reply that threads under the customer’s last e-mail', async () => {
    const smtp = sender();
    const result = await smtp.send({
      to: [{ address: 'zhangsan@example.cn', name: '张三' }],
      subject: '回复：订单未收到 [#TK-1A2B3C]',
      ticketReference: '1A2B3C',
      text: '您好，包裹已经重新发出，单号 SF123。',
      inReplyTo: '<reply-2@example.cn>',
      references: ['<20251103.abc123@example.cn>', '<reply-1@helpdesk.test>'],
    });
    smtp.close();

    expect(result.accepted).toEqual(['zhangsan@example.cn']);
    expect(result.messageId).toMatch(/^<[0-9a-f-]{36}@helpdesk\.test>$/);
    const mail = received.at(-1);
    expect(mail?.recipients).toEqual(['zhangsan@example.cn']);
    expect(mail?.from).toBe('support@helpdesk.test');
    expect(mail?.parsed.subject).toBe('Re: 订单未收到 [#TK-1A2B3C]');
    expect(mail?.parsed.ticketReference).toBe('1A2B3C');
    expect(mail?.parsed.inReplyTo).toBe('<reply-2@example.cn>');
    expect(mail?.parsed.references).toEqual([
      '<20251103.abc123@example.cn>',
      '<reply-1@helpdesk.test>',
      '<reply-2@example.cn>',
    ]);
    expect(mail?.parsed.messageId).toBe(result.messageId);
    expect(mail?.parsed.from).toEqual({ address: 'support@helpdesk.test', name: '客服中心' });
    expect(mail?.parsed.body).toBe('您好，包裹已经重新发出，单号 SF123。');
  });

  it('keeps the Message-ID it is given so a retried delivery is the same e-mail', async () => {
    const smtp = sender();
    const messageId = smtp.newMessageId();
    const result = await smtp.send({
      to: [{ address: 'bob@example.com' }],
      subject: 'Invoice',
      text: 'Attached.',
      messageId,
    });
    smtp.close();
    expect(result.messageId).toBe(messageId);
    expect(received.at(-1)?.parsed.messageId).toBe(messageId);
    expect(received.at(-1)?.parsed.subject).toBe('Re: Invoice');
  });

  it('reports a rejected mailbox as permanent and a temporary refusal as retryable', async () => {
    const smtp = sender();
    const permanent = await smtp
      .send({ to: [{ address: 'blocked@example.com' }], subject: 'x', text: 'y' })
      .catch((e: unknown) => e);
    const temporary = await smtp
      .send({ to: [{ address: 'busy@example.com' }], subject: 'x', text: 'y' })
      .catch((e: unknown) => e);
    smtp.close();
    expect(permanent).toBeInstanceOf(PermanentDeliveryError);
    expect(permanent).toMatchObject({ channel: 'email', code: 'smtp-550', retryable: false });
    expect(temporary).toBeInstanceOf(RetryableDeliveryError);
    expect(temporary).toMatchObject({ code: 'smtp-451', retryable: true });
  });

  it('reports an unreachable server as retryable', async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const smtp = new SmtpReplySender({
      host: '127.0.0.1',
      port: deadPort,
      ignoreTLS: true,
      from: { address: 'support@helpdesk.test' },
      connectionTimeoutMs: 2000,
    });
    const failure = await smtp
      .send({ to: [{ address: 'a@example.com' }], subject: 'x', text: 'y' })
      .catch((e: unknown) => e);
    smtp.close();
    expect(failure).toBeInstanceOf(RetryableDeliveryError);
    expect(failure).toMatchObject({ code: 'network' });
  });
});
