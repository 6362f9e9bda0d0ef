/**
 * What the customer receives when a survey is sent over the conversation's channel: a link that
 * carries the signed token and, on channels where people simply type back, the invitation to
 * answer with a bare score (which the chat reply parser then recognises).
 */
export const CHAT_CHANNELS: readonly string[] = ['wechat', 'social', 'app', 'web'];

/** The bilingual "type a number" line sent on chat channels. */
export const CHAT_ANSWER_PROMPT =
  '回复 1-5 评价本次服务 / reply 1–5 to rate this service (5 = 非常满意 / very satisfied)';

export interface SurveyInvitationInput {
  readonly channel: string;
  /** The conversation's language as triage detected it ('zh', 'en', 'other'). */
  readonly language: string;
  /** The absolute survey URL, token included. */
  readonly link: string;
}

export interface OutboundText {
  /** Only e-mail carries a subject. */
  readonly subject: string | null;
  readonly body: string;
}

export function isChatChannel(channel: string): boolean {
  return CHAT_CHANNELS.includes(channel);
}

export function composeSurveyInvitation(input: SurveyInvitationInput): OutboundText {
  const chinese = input.language !== 'en';
  const lines = chinese
    ? ['您好，您的问题已处理完毕。请花一分钟为本次服务打分：', input.link]
    : ['Hello, your request has been resolved. Please take a minute to rate our service:', input.link];
  if (isChatChannel(input.channel)) lines.push(CHAT_ANSWER_PROMPT);
  return {
    subject:
      input.channel === 'email' ? (chinese ? '请评价本次服务 / How did we do?' : 'How did we do?') : null,
    body: lines.join('\n'),
  };
}

/** Tells the customer their complaint or bad rating was followed up and the follow-up is resolved. */
export function composeFollowUpResolvedNotice(input: {
  readonly channel: string;
  readonly language: string;
}): OutboundText {
  const chinese = input.language !== 'en';
  return {
    subject:
      input.channel === 'email'
        ? chinese
          ? '您的反馈已处理 / Your feedback was handled'
          : 'Your feedback was handled'
        : null,
    body: chinese
      ? '您好，感谢您的反馈。我们已专门跟进并处理了您反映的问题。如仍有不满意之处，请直接回复本消息，我们会继续为您处理。'
      : 'Hello, thank you for your feedback. A member of our team followed it up and the issue you raised has now been resolved. If anything is still not right, just reply to this message and we will pick it up again.',
  };
}
