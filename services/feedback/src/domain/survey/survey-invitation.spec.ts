import { parseChatSurveyReply } from './chat-survey-reply.parser';
import { composeFollowUpResolvedNotice, composeSurveyInvitation, isChatChannel } from './survey-invitation';

const link = 'https://help.example.com/v1/surveys/v1.k1.abc.def';

describe('composeSurveyInvitation', () => {
  it('invites a WeChat customer to follow the link or type a score back, in both languages', () => {
    const invitation = composeSurveyInvitation({ channel: 'wechat', language: 'zh', link });
    expect(invitation.subject).toBeNull();
    expect(invitation.body).toContain(link);
    expect(invitation.body).toContain('回复 1-5 评价本次服务');
    expect(invitation.body).toContain('reply 1–5');
  });

  it('sends only the link by e-mail, with an English subject line for an English conversation', () => {
    const invitation = composeSurveyInvitation({ channel: 'email', language: 'en', link });
    expect(invitation.subject).toBe('How did we do?');
    expect(invitation.body).toContain(link);
    expect(invitation.body).not.toContain('reply 1–5');
    expect(invitation.body).toMatch(/^Hello/u);
  });

  it('treats chat-like channels as chat and the others not', () => {
    expect(['wechat', 'social', 'app', 'web'].map(isChatChannel)).toEqual([true, true, true, true]);
    expect(['email', 'phone', 'api'].map(isChatChannel)).toEqual([false, false, false]);
  });

  it('does not itself read as a score when echoed back into the conversation', () => {
    const { body } = composeSurveyInvitation({ channel: 'wechat', language: 'zh', link });
    expect(parseChatSurveyReply(body)).toBeNull();
  });
});

describe('composeFollowUpResolvedNotice', () => {
  it('tells the customer in their language that the follow-up was handled', () => {
    expect(composeFollowUpResolvedNotice({ channel: 'wechat', language: 'zh' })).toEqual({
      subject: null,
      body: expect.stringContaining('已专门跟进并处理') as string,
    });
    const english = composeFollowUpResolvedNotice({ channel: 'email', language: 'en' });
    expect(english.subject).toBe('Your feedback was handled');
    expect(english.body).toContain('resolved');
  });
});
