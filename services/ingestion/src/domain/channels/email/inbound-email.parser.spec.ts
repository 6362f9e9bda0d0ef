import { createHash } from 'node:crypto';
import * as iconv from 'iconv-lite';
import { EmailParseError } from './email-parse.error';
import { parseInboundEmail } from './inbound-email.parser';

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/(.{76})/g, '$1\r\n');
const encodedWord = (text: string, charset: string): string =>
  `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;
const quotedPrintable = (bytes: Buffer): string =>
  [...bytes]
    .map((b) =>
      b >= 33 && b <= 126 && b !== 61
        ? String.fromCharCode(b)
        : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

const PDF_BYTES = Buffer.from('%PDF-1.4\n发票 invoice content\n%%EOF', 'utf8');
const GBK_TEXT = '您好，\n我的订单 20251103 还没有收到，请帮忙查询。\n\n张三';
const GBK_HTML = '<p>您好，</p><p>我的订单 20251103 还没有收到，请帮忙查询。</p>';

function gbkMultipartEmail(): Buffer {
  return crlf([
    `From: ${encodedWord('张三', 'GBK')} <ZhangSan@Example.CN>`,
    `To: ${encodedWord('客服中心', 'GB2312')} <support@helpdesk.test>`,
    'Cc: "Li Si" <lisi@example.cn>, ops@example.cn',
    `Subject: ${encodedWord('订单未收到', 'GBK')} [#TK-1A2B3C]`,
    'Message-ID: <20251103.abc123@example.cn>',
    'Date: Mon, 03 Nov 2025 10:15:00 +0800',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset="GBK"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(iconv.encode(GBK_TEXT, 'gbk')),
    '--inner',
    'Content-Type: text/html; charset="GBK"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(iconv.encode(GBK_HTML, 'gbk')),
    '--inner--',
    '--outer',
    `Content-Type: application/pdf; name="${encodedWord('发票.pdf', 'GBK')}"`,
    `Content-Disposition: attachment; filename="${encodedWord('发票.pdf', 'GBK')}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(PDF_BYTES),
    '--outer--',
    '',
  ]);
}

describe('parseInboundEmail', () => {
  it('decodes a GBK multipart e-mail with encoded-word headers and keeps only attachment metadata', async () => {
    const email = await parseInboundEmail(gbkMultipartEmail());

    expect(email.subject).toBe('订单未收到 [#TK-1A2B3C]');
    expect(email.normalizedSubject).toBe('订单未收到');
    expect(email.ticketReference).toBe('1A2B3C');
    expect(email.from).toEqual({ address: 'zhangsan@example.cn', name: '张三' });
    expect(email.to).toEqual([{ address: 'support@helpdesk.test', name: '客服中心' }]);
    expect(email.cc).toEqual([
      { address: 'lisi@example.cn', name: 'Li Si' },
      { address: 'ops@example.cn', name: null },
    ]);
    expect(email.messageId).toBe('<20251103.abc123@example.cn>');
    expect(email.date?.toISOString()).toBe('2025-11-03T02:15:00.000Z');
    expect(email.textSource).toBe('text');
    expect(email.body).toBe('您好，\n我的订单 20251103 还没有收到，请帮忙查询。\n\n张三');
    expect(email.quoted).toBe('');
    expect(email.attachments).toEqual([
      {
        filename: '发票.pdf',
        contentType: 'application/pdf',
        size: PDF_BYTES.length,
        contentId: null,
        checksum: `sha256:${createHash('sha256').update(PDF_BYTES).digest('hex')}`,
        disposition: 'attachment',
      },
    ]);
    expect(JSON.stringify(email)).not.toContain(PDF_BYTES.toString('base64'));
    expect(email.isAutoReply).toBe(false);
  });

  it.each([
    ['Big5', '您好，我的帳號無法登入。'],
    ['GB18030', '生僻字𠀀与表情😀也要完整'],
    ['GB2312', '请尽快处理退款'],
    ['UTF-8', 'Grüße — 退款 ✓'],
  ])('decodes a quoted-printable %s body', async (charset, text) => {
    const raw = crlf([
      'From: someone@example.com',
      `Subject: ${encodedWord(text, charset)}`,
      `Content-Type: text/plain; charset=${charset}`,
      'Content-Transfer-Encoding: quoted-printable',
      '',
      quotedPrintable(iconv.encode(text, charset)),
    ]);
    const email = await parseInboundEmail(raw);
    expect(email.body).toBe(text);
    expect(email.subject).toBe(text);
  });

  it('turns an HTML-only e-mail into clean text and cuts the quoted blockquote', async () => {
    const html =
      '<html><head><style>p{color:red}</style></head><body><p>Hello <b>team</b>,</p><p>The app crashes on login.</p>' +
      '<img src="https://tracker.example/pixel.gif"><p>See <a href="https://status.example.com">status page</a></p>' +
      '<blockquote><p>Previous answer from support</p></blockquote></body></html>';
    const raw = crlf([
      'From: "Alice" <alice@example.com>',
      'Subject: Crash',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(Buffer.from(html, 'utf8')),
    ]);
    const email = await parseInboundEmail(raw);
    expect(email.textSource).toBe('html');
    expect(email.body).toBe(
      'Hello team,\n\nThe app crashes on login.\n\nSee status page <https://status.example.com>',
    );
    expect(email.body).not.toMatch(/color|pixel|<b>/);
    expect(email.quoted).toBe('> Previous answer from support');
  });

  it('reads threading headers of a Chinese reply and separates quoted text and mobile signature', async () => {
    const text = [
      '已经收到了，谢谢！',
      '',
      '发自我的iPhone',
      '',
      '------------------ 原始邮件 ------------------',
      '发件人: "客服中心" <support@helpdesk.test>',
      '发送时间: 2025年11月3日(星期一) 上午10:30',
      '主题: Re: 订单未收到 [#TK-1A2B3C]',
      '',
      '您好，包裹已经重新发出。',
    ].join('\n');
    const raw = crlf([
      'From: zhangsan@example.cn',
      `Subject: ${encodedWord('回复： Re: 订单未收到 [#TK-1A2B3C]', 'GBK')}`,
      'In-Reply-To: <reply-1@helpdesk.test>',
      'References: <20251103.abc123@example.cn>',
      ' <reply-1@helpdesk.test>',
      'Content-Type: text/plain; charset=GBK',
      'Content-Transfer-Encoding: base64',
      '',
      b64(iconv.encode(text, 'gbk')),
    ]);
    const email = await parseInboundEmail(raw);
    expect(email.inReplyTo).toBe('<reply-1@helpdesk.test>');
    expect(email.references).toEqual(['<20251103.abc123@example.cn>', '<reply-1@helpdesk.test>']);
    expect(email.ticketReference).toBe('1A2B3C');
    expect(email.normalizedSubject).toBe('订单未收到');
    expect(email.body).toBe('已经收到了，谢谢！');
    expect(email.signature).toBe('发自我的iPhone');
    expect(email.quoted).toContain('您好，包裹已经重新发出。');
    expect(email.quoted.startsWith('------------------ 原始邮件')).toBe(true);
  });

  it('separates an English reply from "On … wrote:" history and the "-- " signature', async () => {
    const raw = crlf([
      'From: Bob <bob@example.com>',
      'Subject: Re: Refund [Ticket#TK9Z]',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'It still does not work after the update.',
      '',
      '-- ',
      'Bob Smith',
      'ACME Ltd.',
      '',
      'On Mon, 3 Nov 2025 at 10:00, Support Team <support@helpdesk.test>',
      'wrote:',
      '> Please update the app.',
      '> Regards',
    ]);
    const email = await parseInboundEmail(raw);
    expect(email.ticketReference).toBe('TK9Z');
    expect(email.body).toBe('It still does not work after the update.');
    expect(email.signature).toBe('Bob Smith\nACME Ltd.');
    expect(email.quoted).toBe(
      'On Mon, 3 Nov 2025 at 10:00, Support Team <support@helpdesk.test>\nwrote:\n> Please update the app.\n> Regards',
    );
  });

  it('accepts a message still carrying its mbox "From " envelope line', async () => {
    const raw = crlf([
      'From bounce@example.com Mon Nov  3 10:00:00 2025',
      'From: a@example.com',
      'Subject: hi',
      '',
      'hello',
    ]);
    const email = await parseInboundEmail(raw);
    expect(email.from.address).toBe('a@example.com');
    expect(email.body).toBe('hello');
  });

  it('flags automatic replies so nobody answers them automatically', async () => {
    const raw = crlf([
      'From: a@example.com',
      'Auto-Submitted: auto-replied',
      'Subject: Out of office',
      '',
      'Away until Monday.',
    ]);
    expect((await parseInboundEmail(raw)).isAutoReply).toBe(true);
  });

  it.each([
    ['empty', Buffer.alloc(0), 'empty'],
    ['only whitespace', Buffer.from('\r\n \r\n'), 'empty'],
    ['plain text', Buffer.from('hello there, this is not an e-mail'), 'not-mime'],
    ['binary', Buffer.from([0, 1, 2, 3, 255, 254]), 'not-mime'],
    ['no From', crlf(['Subject: hi', '', 'body']), 'missing-from'],
    ['From without address', crlf(['From: undisclosed', 'Subject: hi', '', 'body']), 'missing-from'],
  ])('rejects %s input with a typed error', async (_label, raw, code) => {
    const failure = await parseInboundEmail(raw).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EmailParseError);
    expect((failure as EmailParseError).code).toBe(code);
  });

  it('rejects a message above the size limit before parsing it', async () => {
    const raw = crlf(['From: a@example.com', '', 'x'.repeat(2000)]);
    await expect(parseInboundEmail(raw, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'too-large' });
  });

  it('drops NUL characters from every decoded field, which PostgreSQL text cannot hold', async () => {
    const raw = crlf([
      'From: "Mal\u0000lory" <m@example.com>',
      'Subject: hi\u0000there',
      'Message-ID: <id\u0000x@example.com>',
      '',
      'body\u0000text',
    ]);
    const parsed = await parseInboundEmail(raw);
    expect(JSON.stringify(parsed)).not.toContain('\\u0000');
    expect(parsed.subject).toBe('hithere');
    expect(parsed.body).toBe('bodytext');
  });

  it('splits a body of 200,000 lines (no quadratic pass over long bodies)', async () => {
    const raw = crlf(['From: a@example.com', 'Subject: big', '', ...Array.from({ length: 200_000 }, (_, i) => `line ${i}`)]);
    const parsed = await parseInboundEmail(raw);
    expect(parsed.body.split('\n')).toHaveLength(200_000);
  });
});
