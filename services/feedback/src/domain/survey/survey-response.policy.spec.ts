import { FeedbackErrorCode } from '../feedback.exception';
import { applyResponse, SurveyState } from './survey-response.policy';

const now = new Date('2026-11-23T10:00:00Z');
const open: SurveyState = {
  surveyId: 's1',
  tenantId: 'demo',
  ticketId: 't1',
  expiresAt: new Date('2026-11-30T00:00:00Z'),
  answer: null,
};
const answered: SurveyState = {
  ...open,
  answer: { csat: 1, comment: '太慢了', answeredAt: new Date('2026-11-22T08:00:00Z') },
};

function fieldsOf(input: unknown): string[] {
  const decision = applyResponse(open, input, now);
  return decision.kind === 'invalid' ? decision.error.errors.map((e) => e.field) : [];
}

describe('applyResponse', () => {
  it('accepts a first answer and stamps it with the injected time, dropping a blank comment', () => {
    expect(applyResponse(open, { csat: 4, nps: 9, comment: '  ' }, now)).toEqual({
      kind: 'accepted',
      answer: { csat: 4, nps: 9, answeredAt: now },
    });
    expect(applyResponse(open, { nps: 0, comment: ' ok ' }, now)).toEqual({
      kind: 'accepted',
      answer: { nps: 0, comment: 'ok', answeredAt: now },
    });
  });

  it('answers a repeat of the same answer as an idempotent duplicate with the stored answer', () => {
    const decision = applyResponse(
      answered,
      { csat: 1, comment: '太慢了 ' },
      new Date('2026-12-05T00:00:00Z'),
    );
    expect(decision).toEqual({ kind: 'duplicate', answer: answered.answer });
  });

  it('refuses a different second answer as a conflict and keeps the first', () => {
    const decision = applyResponse(answered, { csat: 5 }, now);
    expect(decision.kind).toBe('conflict');
    if (decision.kind === 'conflict') {
      expect(decision.error.code).toBe(FeedbackErrorCode.SurveyAlreadyAnswered);
      expect(decision.answer.csat).toBe(1);
    }
  });

  it('refuses a first answer after expiry', () => {
    const decision = applyResponse(open, { csat: 3 }, new Date('2026-11-30T00:00:00Z'));
    expect(decision.kind).toBe('expired');
  });

  it('names every invalid field', () => {
    expect(fieldsOf({ csat: 0 })).toEqual(['csat']);
    expect(fieldsOf({ csat: 6 })).toEqual(['csat']);
    expect(fieldsOf({ csat: 4.5 })).toEqual(['csat']);
    expect(fieldsOf({ csat: '5' })).toEqual(['csat']);
    expect(fieldsOf({ nps: 11 })).toEqual(['nps']);
    expect(fieldsOf({ nps: -1, csat: Number.NaN })).toEqual(['csat', 'nps']);
    expect(fieldsOf({ csat: 3, comment: 'x'.repeat(2001) })).toEqual(['comment']);
    expect(fieldsOf({ csat: 3, comment: 7 })).toEqual(['comment']);
    expect(fieldsOf({ csat: 3, comment: 'bad\u0000byte' })).toEqual(['comment']);
    expect(fieldsOf({ comment: 'only words' })).toEqual(['csat']);
    expect(fieldsOf(null)).toEqual(['body']);
    expect(fieldsOf([1])).toEqual(['body']);
  });

  it('counts the comment limit in characters, so 2000 Chinese characters fit', () => {
    expect(applyResponse(open, { csat: 2, comment: '慢'.repeat(2000) }, now).kind).toBe('accepted');
    expect(applyResponse(open, { csat: 2, comment: '😡'.repeat(2000) }, now).kind).toBe('accepted');
    expect(fieldsOf({ csat: 2, comment: '慢'.repeat(2001) })).toEqual(['comment']);
  });

  it('validates before deciding, so an invalid retry on an answered survey is a 400, not a 409', () => {
    expect(applyResponse(answered, { csat: 9 }, now).kind).toBe('invalid');
  });
});
