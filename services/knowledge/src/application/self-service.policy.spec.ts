import { DEFAULT_SELF_SERVICE_SETTINGS, decideAutoAnswer, isSimpleQuestion, type BestAnswer, type TicketQuestion } from './self-service.policy';

const simple: TicketQuestion = { priority: 'P4', category: 'general', followUpOf: null };
const best: BestAnswer = { articleId: 'a1', confidence: 0.8, score: 0.6, answer: '在订单详情页点击“申请发票”即可。' };

describe('self-service policy', () => {
  it('answers a simple question whose best article is confident enough', () => {
    expect(decideAutoAnswer(simple, best, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: true });
    expect(isSimpleQuestion(simple, DEFAULT_SELF_SERVICE_SETTINGS)).toBe(true);
  });

  it('leaves urgent, important or out-of-list tickets and follow-ups to a person', () => {
    expect(decideAutoAnswer({ ...simple, priority: 'P1' }, best, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: false, reason: 'priority' });
    expect(decideAutoAnswer({ ...simple, category: 'security' }, best, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: false, reason: 'category' });
    expect(decideAutoAnswer({ ...simple, category: null }, best, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: false, reason: 'category' });
    const followUp = { ...simple, followUpOf: '7d1f3c2a-5b6e-4c8d-9a0b-1c2d3e4f5a6b' };
    expect(decideAutoAnswer(followUp, best, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: false, reason: 'follow-up' });
    expect(isSimpleQuestion(followUp, DEFAULT_SELF_SERVICE_SETTINGS)).toBe(false);
  });

  it('does not answer below the tenant threshold, on a weak lone match, without an article or without answer text', () => {
    const strict = { ...DEFAULT_SELF_SERVICE_SETTINGS, autoAnswerThreshold: 0.9 };
    expect(decideAutoAnswer(simple, best, strict)).toEqual({ propose: false, reason: 'low-confidence' });
    expect(decideAutoAnswer(simple, { ...best, confidence: 0.93, score: 0.06 }, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: false, reason: 'low-score' });
    expect(decideAutoAnswer(simple, undefined, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: false, reason: 'no-article' });
    expect(decideAutoAnswer(simple, { ...best, answer: '  ' }, DEFAULT_SELF_SERVICE_SETTINGS)).toEqual({ propose: false, reason: 'no-answer-text' });
    expect(decideAutoAnswer(simple, best, { ...DEFAULT_SELF_SERVICE_SETTINGS, autoAnswerEnabled: false })).toEqual({ propose: false, reason: 'disabled' });
  });

  it('follows a tenant allow-list that adds its own categories', () => {
    const settings = { ...DEFAULT_SELF_SERVICE_SETTINGS, autoAnswerCategories: ['how-to'], autoAnswerPriorities: ['P3' as const] };
    expect(decideAutoAnswer({ ...simple, priority: 'P3', category: 'how-to' }, best, settings)).toEqual({ propose: true });
    expect(decideAutoAnswer({ ...simple, priority: 'P4', category: 'how-to' }, best, settings)).toEqual({ propose: false, reason: 'priority' });
  });
});
