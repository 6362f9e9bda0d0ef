import { convert } from 'html-to-text';
import {
  simpleParser,
  type AddressObject,
  type Attachment,
  type EmailAddress as MailparserAddress,
  type ParsedMail,
} from 'mailparser';
import { EmailParseError } from './email-parse.error';
import { splitReply } from './reply-splitter';
import { extractTicketReference, normalizeSubject } from './ticket-reference';

export interface EmailAddress {
  /** Lower-cased, trimmed. */
  address: string;
  /** Display name decoded from RFC 2047, or null. */
  name: string | null;
}

/** What is kept of an attachment: metadata only, the content is never retained. */
export interface EmailAttachmentMeta {
  filename: string | null;
  contentType: string;
  size: number;
  /** Content-ID with angle brackets, as in the header (inline images), or null. */
  contentId: string | null;
  /** `sha256:<hex>` of the decoded content. */
  checksum: string;
  disposition: 'attachment' | 'inline';
}

export interface ParsedEmail {
  /** Message-ID with angle brackets (`<id@host>`), or null when the sender set none. */
  messageId: string | null;
  /** In-Reply-To with angle brackets, or null. */
  inReplyTo: string | null;
  /** References, oldest first, each with angle brackets. */
  references: string[];
  /** Decoded subject ('' when absent). */
  subject: string;
  /** Subject without reply prefixes and ticket reference, for threading by subject. */
  normalizedSubject: string;
  /** Reference from `[#TK-…]` / `[Ticket#…]` in the subject, as written; null when none. */
  ticketReference: string | null;
  from: EmailAddress;
  replyTo: EmailAddress[];
  to: EmailAddress[];
  cc: EmailAddress[];
  date: Date | null;
  /** The text the sender wrote in this message, without quoted history or signature. */
  body: string;
  /** Earlier messages quoted in this one ('' when none). */
  quoted: string;
  /** The sender's signature ('' when none found). */
  signature: string;
  /** The whole text before splitting (HTML converted when there was no text part). */
  text: string;
  /** Where `text` came from. */
  textSource: 'text' | 'html' | 'none';
  attachments: EmailAttachmentMeta[];
  /** Auto-Submitted / X-Autoreply / Precedence: an automatic message that must not be answered automatically. */
  isAutoReply: boolean;
}

export interface ParseInboundEmailOptions {
  /** Largest raw message accepted, in bytes (default 25 MiB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
// A header line starts with a field name (printable ASCII without ':'), then ':'; anything else is not RFC 822.
const FIRST_HEADER_LINE = /^[!-9;-~]+[ \t]*:/;

/** Parses a raw RFC 822 message into the fields ingestion stores; throws EmailParseError for unusable input. */
export async function parseInboundEmail(
  raw: Buffer,
  options: ParseInboundEmailOptions = {},
): Promise<ParsedEmail> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (raw.length > maxBytes)
    throw new EmailParseError('too-large', `the message is ${raw.length} bytes, the limit is ${maxBytes}`);
  if (raw.findIndex((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) < 0)
    throw new EmailParseError('empty', 'the message is empty');
  raw = withoutMboxSeparator(raw);
  const head = raw
    .subarray(0, Math.min(raw.length, 1000))
    .toString('latin1')
    .replace(/^(\r?\n)+/, '');
  if (!FIRST_HEADER_LINE.test(head))
    throw new EmailParseError('not-mime', 'the input does not start with a header field');

  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, {
      skipHtmlToText: true,
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      checksumAlgo: 'sha256',
    });
  } catch (error: unknown) {
    throw new EmailParseError(
      'unparseable',
      error instanceof Error ? error.message : 'the MIME structure could not be read',
    );
  }
  if (mail.headers.size === 0) throw new EmailParseError('not-mime', 'no header fields were found');

  const from = addresses(mail.from)[0];
  if (!from) throw new EmailParseError('missing-from', 'the message has no usable From address');

  const { text, textSource } = readableText(mail);
  const split = splitReply(text);
  const subject = (mail.subject ?? '').trim();

  return withoutNul({
    messageId: angleId(mail.messageId),
    inReplyTo: angleIds(mail.inReplyTo)[0] ?? null,
    references: angleIds(mail.references),
    subject,
    normalizedSubject: normalizeSubject(subject),
    ticketReference: extractTicketReference(subject),
    from,
    replyTo: addresses(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    body: split.body,
    quoted: split.quoted,
    signature: split.signature,
    text,
    textSource,
    attachments: mail.attachments.map(attachmentMeta),
    isAutoReply: isAutomatic(mail),
  });
}

// PostgreSQL text cannot hold U+0000, and no sender means one: drop it from every decoded field.
function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withoutNul(item)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNul(v)])) as T;
  }
  return value;
}

// Some MTAs hand over the message with its mbox envelope line ("From sender@host date") still on top.
function withoutMboxSeparator(raw: Buffer): Buffer {
  if (raw.subarray(0, 5).toString('latin1') !== 'From ') return raw;
  const newline = raw.indexOf(0x0a);
  return newline < 0 ? raw : raw.subarray(newline + 1);
}

function readableText(mail: ParsedMail): { text: string; textSource: ParsedEmail['textSource'] } {
  const plain = mail.text?.trim() ?? '';
  if (plain !== '') return { text: plain, textSource: 'text' };
  if (typeof mail.html === 'string' && mail.html.trim() !== '') {
    return { text: htmlToCleanText(mail.html), textSource: 'html' };
  }
  return { text: '', textSource: 'none' };
}

/** HTML mail body to plain text: no images, no tracking pixels, links kept once, quotes as "> ". */
export function htmlToCleanText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  })
    .replace(/\u00a0/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function addressList(value: AddressObject | AddressObject[] | undefined): MailparserAddress[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a])));
}

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  return addressList(value)
    .map((a) => ({ address: (a.address ?? '').trim().toLowerCase(), name: a.name?.trim() || null }))
    .filter((a) => /^[^\s@]+@[^\s@]+$/.test(a.address));
}

function angleId(value: string | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed.replace(/>$/, '')}>`;
}

function angleIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const parts = (Array.isArray(value) ? value : [value]).flatMap(
    (v) => v.match(/<[^<>\s]+>|[^<>\s]+@[^<>\s]+/g) ?? [],
  );
  const ids = parts.map((p) => angleId(p)).filter((p): p is string => p !== null);
  return [...new Set(ids)];
}

function attachmentMeta(attachment: Attachment): EmailAttachmentMeta {
  return {
    filename: attachment.filename?.trim() || null,
    contentType: attachment.contentType,
    size: attachment.size,
    contentId: attachment.contentId ?? null,
    // mailparser hashes with the algorithm we asked for (sha256) while decoding; the content is dropped here.
    checksum: `sha256:${attachment.checksum}`,
    disposition: attachment.contentDisposition === 'inline' || attachment.related ? 'inline' : 'attachment',
  };
}

function headerText(mail: ParsedMail, name: string): string {
  const value: unknown = mail.headers.get(name);
  if (typeof value === 'string') return value.toLowerCase();
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string')
    return value.value.toLowerCase();
  return '';
}

function isAutomatic(mail: ParsedMail): boolean {
  const autoSubmitted = headerText(mail, 'auto-submitted');
  if (autoSubmitted !== '' && autoSubmitted !== 'no') return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return true;
  return ['auto_reply', 'bulk', 'junk', 'list'].includes(headerText(mail, 'precedence'));
}
