import { autoAnswerReply } from './auto-answer-reply';

describe('autoAnswerReply', () => {
  it('asks a Chinese customer in Chinese whether the answer helped, after the answer', () => {
    const reply = autoAnswerReply('在订单详情页点击“申请发票”即可。\n', 'zh');
    expect(reply.startsWith('在订单详情页点击“申请发票”即可。\n\n')).toBe(true);
    expect(reply).toContain('解决您的问题了吗');
  });

  it('asks everyone else in English', () => {
    expect(autoAnswerReply('Open the order and choose "Invoice".', 'en')).toContain('Did this answer solve your problem?');
    expect(autoAnswerReply('Öffnen Sie die Bestellung.', 'other')).toContain('not solved');
  });
});
