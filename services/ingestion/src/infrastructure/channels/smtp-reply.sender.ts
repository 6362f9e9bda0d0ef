import { randomUUID } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { buildReplySubject } from '../../domain/channels/email/ticket-reference';
import { PermanentDeliveryError, RetryableDeliveryError } from './channel-delivery.error';

export interface SmtpReplySenderConfig {
  host: string;
  port: number;
  /** Implicit TLS (port 465). STARTTLS is used when offered unless `ignoreTLS`. */
  secure?: boolean;
  requireTLS?: boolean;
  ignoreTLS?: boolean;
  auth?: { user: string; pass: string };
  /** The support mailbox replies come from. */
  from: { address: string; name?: string };
  /** Also the domain of generated Message-IDs; defaults to the From address's domain. */
  messageIdDomain?: string;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** For local test receivers with self-signed certificates only. */
  rejectUnauthorized?: boolean;
}

export interface SmtpReply {
  to: { address: string; name?: string | null }[];
  cc?: { address: string; name?: string | null }[];
  /** The conversation's subject as the customer last wrote it; becomes `Re: <subject> [#TK-ref]`. */
  subject: string | null;
  ticketReference?: string | null;
  text: string;
  html?: string;
  /** Message-ID of the customer's last inbound e-mail in the conversation (In-Reply-To). */
  inReplyTo?: string | null;
  /** The References of that e-mail, oldest first; `inReplyTo` is appended. */
  references?: readonly string[];
  /** Pass the id stored for this delivery so a retried send keeps the same Message-ID. */
  messageId?: string;
}

export interface SmtpDeliveryResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

const MAX_REFERENCES = 20;
const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
]);

/** Sends agent replies by SMTP with threading headers that make mail clients show them in the customer's thread. */
export class SmtpReplySender {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly messageIdDomain: string;

  constructor(private readonly config: SmtpReplySenderConfig) {
    this.transport = createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure ?? false,
      requireTLS: config.requireTLS ?? false,
      ignoreTLS: config.ignoreTLS ?? false,
      auth: config.auth,
      connectionTimeout: config.connectionTimeoutMs ?? 10_000,
      greetingTimeout: config.connectionTimeoutMs ?? 10_000,
      socketTimeout: config.socketTimeoutMs ?? 30_000,
      tls: { rejectUnauthorized: config.rejectUnauthorized ?? true },
    });
    this.messageIdDomain = config.messageIdDomain ?? config.from.address.split('@')[1] ?? 'localhost';
  }

  /** A fresh Message-ID on the sender's domain, to store before sending so retries reuse it. */
  newMessageId(): string {
    return `<${randomUUID()}@${this.messageIdDomain}>`;
  }

  async send(reply: SmtpReply): Promise<SmtpDeliveryResult> {
    if (reply.to.length === 0)
      throw new PermanentDeliveryError('email', 'no-recipient', 'the reply has no recipient');
    const messageId = reply.messageId ?? this.newMessageId();
    const references = threadReferences(reply.references ?? [], reply.inReplyTo ?? null);
    try {
      const info = await this.transport.sendMail({
        from: { address: this.config.from.address, name: this.config.from.name ?? '' },
        to: reply.to.map((r) => ({ address: r.address, name: r.name ?? '' })),
        cc: reply.cc?.map((r) => ({ address: r.address, name: r.name ?? '' })),
        subject: buildReplySubject(reply.subject, reply.ticketReference ?? null),
        text: reply.text,
        html: reply.html,
        messageId,
        inReplyTo: reply.inReplyTo ?? undefined,
        references: references.length > 0 ? references : undefined,
      });
      const accepted = info.accepted.map(addressText);
      const rejected = info.rejected.map(addressText);
      if (accepted.length === 0)
        throw new PermanentDeliveryError(
          'email',
          'all-rejected',
          `every recipient was rejected: ${info.response}`,
        );
      return { messageId: info.messageId || messageId, accepted, rejected, response: info.response };
    } catch (error: unknown) {
      throw classifySmtpError(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** References of the reply: the thread so far plus the message answered, deduplicated, oldest first, bounded. */
export function threadReferences(references: readonly string[], inReplyTo: string | null): string[] {
  const all = [...references, ...(inReplyTo ? [inReplyTo] : [])]
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const unique = [...new Set(all)];
  // Keep the thread root and the most recent ids, as RFC 5322 suggests for long threads.
  return unique.length <= MAX_REFERENCES ? unique : [unique[0], ...unique.slice(-(MAX_REFERENCES - 1))];
}

function addressText(address: string | { address: string }): string {
  return typeof address === 'string' ? address : address.address;
}

function classifySmtpError(error: unknown): Error {
  if (error instanceof PermanentDeliveryError || error instanceof RetryableDeliveryError) return error;
  const details =
    typeof error === 'object' && error !== null
      ? (error as { code?: unknown; responseCode?: unknown; message?: unknown })
      : {};
  const message = typeof details.message === 'string' ? details.message : 'SMTP delivery failed';
  const responseCode = typeof details.responseCode === 'number' ? details.responseCode : null;
  const code = typeof details.code === 'string' ? details.code : null;
  if (responseCode !== null && responseCode >= 500)
    return new PermanentDeliveryError('email', `smtp-${responseCode}`, message);
  if (responseCode !== null && responseCode >= 400)
    return new RetryableDeliveryError('email', `smtp-${responseCode}`, message);
  if (code === 'EAUTH') return new PermanentDeliveryError('email', 'auth', message);
  if (code !== null && NETWORK_CODES.has(code))
    return new RetryableDeliveryError('email', 'network', message);
  if (code === 'EENVELOPE' || code === 'EMESSAGE')
    return new PermanentDeliveryError('email', code.toLowerCase(), message);
  return new RetryableDeliveryError('email', code?.toLowerCase() ?? 'unknown', message);
}
