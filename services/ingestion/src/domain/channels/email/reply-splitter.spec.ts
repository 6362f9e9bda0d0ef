import { splitReply } from './reply-splitter';

describe('splitReply', () => {
  it('cuts a Chinese attribution line "在 … 写道：" and what follows', () => {
    const result = splitReply(
      '好的，明天上午可以。\n\n在 2025年11月3日 10:00，客服中心 <support@helpdesk.test> 写道：\n> 请问您什么时候方便？',
    );
    expect(result).toEqual({
      body: '好的，明天上午可以。',
      quoted: '在 2025年11月3日 10:00，客服中心 <support@helpdesk.test> 写道：\n> 请问您什么时候方便？',
      signature: '',
    });
  });

  it('cuts an Outlook header block including its separator line', () => {
    const text = [
      'Please send the invoice again.',
      '',
      'Sent from my iPhone',
      '',
      '________________________________',
      'From: Support <support@helpdesk.test>',
      'Sent: Monday, November 3, 2025 10:00 AM',
      'To: Carol <carol@example.com>',
      'Subject: Invoice',
      '',
      'Here is your invoice.',
    ].join('\r\n');
    const result = splitReply(text);
    expect(result.body).toBe('Please send the invoice again.');
    expect(result.signature).toBe('Sent from my iPhone');
    expect(result.quoted.split('\n')[0]).toBe('________________________________');
    expect(result.quoted).toContain('Here is your invoice.');
  });

  it('cuts a Chinese Outlook block and "-----Original Message-----"', () => {
    expect(splitReply('收到\n发件人: 客服\n发送时间: 2025年11月3日 10:00\n主题: 退款\n\n已退款').body).toBe(
      '收到',
    );
    expect(splitReply('Thanks\n-----Original Message-----\nFrom: x\nhello').body).toBe('Thanks');
  });

  it('moves a quoted block above a bottom-posted answer to quoted, keeps inline answers', () => {
    expect(splitReply('> Which model do you use?\n\nThe X200.')).toEqual({
      body: 'The X200.',
      quoted: '> Which model do you use?',
      signature: '',
    });
    const inline = '> Model?\nX200\n> Serial number?\nSN-42';
    expect(splitReply(inline).body).toBe('X200\n> Serial number?\nSN-42');
  });

  it('keeps a message without history or signature untouched', () => {
    const text = 'Line one\n\nLine two -- with dashes\n--- not a delimiter';
    expect(splitReply(text)).toEqual({ body: text, quoted: '', signature: '' });
  });

  it('does not take a "Sent from" sentence in the middle of the text for a signature', () => {
    const text =
      'Sent from my iPhone the photos never arrived.\nI tried three times.\nThen again today.\nStill nothing.';
    expect(splitReply(text).signature).toBe('');
  });
});
