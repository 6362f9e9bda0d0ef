import { encode } from 'iconv-lite';

const b64 = (buf: Buffer): string => buf.toString('base64').replace(/.{76}/g, '$&\r\n');
/** An RFC 2047 encoded word in the given charset. */
export const encodedWord = (text: string, charset = 'GBK'): string =>
  `=?${charset}?B?${encode(text, charset).toString('base64')}?=`;

export interface TestMail {
  from: string;
  fromName?: string;
  to?: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  charset?: string;
  attachment?: { filename: string; contentType: string; content: Buffer };
  extraHeaders?: string[];
}

/** A multipart message as a Chinese mail client writes it: headers and text in `charset` (GBK by default). */
export function buildMail(mail: TestMail): Buffer {
  const charset = mail.charset ?? 'GBK';
  const boundary = `=_boundary_${mail.messageId.replace(/\W/g, '')}`;
  const headers = [
    `From: ${mail.fromName ? `${encodedWord(mail.fromName, charset)} ` : ''}<${mail.from}>`,
    `To: <${mail.to ?? 'support@helpdesk.local'}>`,
    `Subject: ${encodedWord(mail.subject, charset)}`,
    `Message-ID: ${mail.messageId}`,
    'Date: Mon, 23 Nov 2026 16:00:00 +0800',
    'MIME-Version: 1.0',
    ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
    ...(mail.references ? [`References: ${mail.references.join(' ')}`] : []),
    ...(mail.extraHeaders ?? []),
  ];
  const textPart = [
    `Content-Type: text/plain; charset="${charset}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(encode(mail.text.replace(/\n/g, '\r\n'), charset)),
  ].join('\r\n');
  if (!mail.attachment) {
    return Buffer.from([...headers, textPart].join('\r\n'), 'latin1');
  }
  const attachmentPart = [
    `Content-Type: ${mail.attachment.contentType}; name="${encodedWord(mail.attachment.filename, charset)}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${encodedWord(mail.attachment.filename, charset)}"`,
    '',
    b64(mail.attachment.content),
  ].join('\r\n');
  return Buffer.from(
    [
      ...headers,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      'This is a multi-part message in MIME format.',
      `--${boundary}`,
      textPart,
      `--${boundary}`,
      attachmentPart,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}
