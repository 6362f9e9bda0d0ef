import { needsFollowUp } from './follow-up.policy';
import { describeFollowUp, followUpSummary, RequiredFollowUp } from './follow-up-request';

function required(decision: ReturnType<typeof needsFollowUp>): RequiredFollowUp {
  if (!decision.required) throw new Error('expected a follow-up');
  return decision;
}

describe('describeFollowUp', () => {
  it('names the reason, the scores and the words that triggered it', () => {
    const subject = { kind: 'survey-response', csat: 1, nps: 3, comment: '太慢了' } as const;
    const text = describeFollowUp(required(needsFollowUp(subject)), subject);
    expect(text).toContain('low CSAT');
    expect(text).toContain('CSAT 1, NPS 3');
    expect(text).toContain('太慢');
  });

  it('lists legal or media words separately, so the P1 is explained', () => {
    const subject = { kind: 'complaint', body: '再不处理我就找律师起诉你们' } as const;
    const decision = required(needsFollowUp(subject));
    expect(decision.priority).toBe('P1');
    expect(describeFollowUp(decision, subject)).toMatch(/^complaint; .*legal\/media: .*律师/u);
  });
});

describe('followUpSummary', () => {
  it("keeps the customer's words and drops an empty comment", () => {
    expect(followUpSummary({ kind: 'complaint', body: ' 我要投诉 ' })).toBe('我要投诉');
    expect(followUpSummary({ kind: 'survey-response', csat: 1 })).toBeNull();
  });
});
