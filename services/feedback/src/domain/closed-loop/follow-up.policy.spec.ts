import { needsFollowUp, negativeTerms } from './follow-up.policy';

describe('needsFollowUp', () => {
  it('follows up every CSAT of 1 or 2 at P2, and not 3', () => {
    expect(needsFollowUp({ kind: 'survey-response', csat: 1 })).toEqual({
      required: true,
      priority: 'P2',
      reasons: ['low-csat'],
      evidence: [],
      escalation: [],
    });
    expect(needsFollowUp({ kind: 'survey-response', csat: 2, nps: 9 })).toMatchObject({
      required: true,
      priority: 'P2',
    });
    expect(needsFollowUp({ kind: 'survey-response', csat: 3 })).toEqual({ required: false });
  });

  it('follows up a detractor or passive NPS only with a negative comment', () => {
    expect(needsFollowUp({ kind: 'survey-response', nps: 3 })).toEqual({ required: false });
    expect(needsFollowUp({ kind: 'survey-response', nps: 6, comment: '物流太慢了，很失望' })).toMatchObject({
      required: true,
      priority: 'P2',
      reasons: ['detractor-negative-comment'],
      evidence: ['太慢', '失望'],
    });
    expect(
      needsFollowUp({ kind: 'survey-response', nps: 2, comment: 'Useless support, never again' }),
    ).toMatchObject({
      evidence: ['useless', 'never again'],
    });
    expect(needsFollowUp({ kind: 'survey-response', nps: 7, comment: 'terrible' })).toEqual({
      required: false,
    });
  });

  it('reads service failures described without an opinion word as negative', () => {
    expect(negativeTerms('等了太久，还送错了')).toEqual(['太久', '送错']);
    expect(negativeTerms('好久没用了，这次挺快')).toEqual([]);
  });

  it('does not read negated or everyday phrases as negative', () => {
    for (const comment of [
      '还不差',
      '一点也不差',
      '差不多吧，不好意思回复晚了',
      '并不失望',
      'Not bad, not terrible',
      'press the button and it works',
    ]) {
      expect(needsFollowUp({ kind: 'survey-response', nps: 5, comment })).toEqual({ required: false });
    }
  });

  it('raises the priority to P1 when legal, regulatory or media words appear', () => {
    expect(needsFollowUp({ kind: 'survey-response', csat: 1, comment: '再不处理我就打12315' })).toMatchObject(
      { priority: 'P1', escalation: ['12315'] },
    );
    expect(
      needsFollowUp({ kind: 'survey-response', nps: 4, comment: 'I will talk to my lawyer' }),
    ).toMatchObject({
      required: true,
      priority: 'P1',
      reasons: ['detractor-negative-comment'],
    });
    expect(needsFollowUp({ kind: 'complaint', body: 'Going to the press and the regulator' })).toMatchObject({
      priority: 'P1',
      escalation: ['press', 'regulator'],
    });
  });

  it('follows up every complaint, P2 without escalation words', () => {
    expect(needsFollowUp({ kind: 'complaint', body: '包装破损' })).toEqual({
      required: true,
      priority: 'P2',
      reasons: ['complaint'],
      evidence: [],
      escalation: [],
    });
  });

  it('follows up a survey comment that is a complaint even with middling scores', () => {
    expect(needsFollowUp({ kind: 'survey-response', csat: 3, comment: '我要投诉那个客服' })).toMatchObject({
      required: true,
      reasons: ['complaint-in-comment'],
    });
  });
});
