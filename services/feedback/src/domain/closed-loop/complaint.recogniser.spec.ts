import { recogniseComplaint } from './complaint.recogniser';

describe('recogniseComplaint', () => {
  it.each([
    ['我要投诉你们的快递员', '我要投诉'],
    ['已经三天了，投诉！', '投诉'],
    ['服务不好我要投诉', '我要投诉'],
    ['I want to complain about the refund', 'i want to complain'],
    ['This is a formal complaint.', 'formal complaint'],
    ['再不退款我就打１２３１５', '12315'],
    ["Fix it or I'll sue", 'sue'],
  ])('recognises %p', (text, evidence) => {
    const result = recogniseComplaint(text);
    expect(result.complaint).toBe(true);
    expect(result.evidence).toContain(evidence);
  });

  it.each([
    ['不是投诉，只是想问一下发票', '投诉'],
    ['我不是要投诉，就是反馈一下', '投诉'],
    ['我想撤销投诉', '投诉'],
    ['No complaints, great service!', 'complaints'],
    ["I don't want to complain, but where is my order?", 'complain'],
    ["It's not a complaint, just a question", 'complaint'],
  ])('does not treat the negated %p as a complaint', (text, negated) => {
    const result = recogniseComplaint(text);
    expect(result.complaint).toBe(false);
    expect(result.negated).toContain(negated);
  });

  it.each([
    '请问发票怎么开？',
    'Please press 1 to continue',
    '我在工商银行付的款',
    'order 123150 is late',
    '',
  ])('leaves the ordinary message %p alone', (text) => {
    expect(recogniseComplaint(text)).toEqual({ complaint: false, evidence: [], negated: [], escalation: [] });
  });

  it('reports legal and media words alongside the complaint', () => {
    expect(recogniseComplaint('我要投诉，不解决就找律师，还要找媒体曝光').escalation).toEqual([
      '律师',
      '媒体',
      '曝光',
    ]);
  });

  it('returns no complaint for non-text input', () => {
    expect(recogniseComplaint(undefined).complaint).toBe(false);
  });
});
