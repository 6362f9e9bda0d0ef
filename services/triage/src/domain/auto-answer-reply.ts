import type { Language } from '@helpdesk/contracts';

const HELPED_PROMPT: Record<'zh' | 'en', string> = {
  zh: '这个回答解决您的问题了吗？如果没有，直接回复“没解决”或继续说明情况，我们会马上转给客服人员处理。',
  en: 'Did this answer solve your problem? If not, reply "not solved" or tell us more, and a person will take over right away.',
};

/**
 * What the customer receives for an automatic answer: the article's answer, then the question
 * whether it helped, in the ticket's language (any reply hands the ticket to a person).
 */
export function autoAnswerReply(answer: string, language: Language): string {
  const prompt = HELPED_PROMPT[language === 'zh' ? 'zh' : 'en'];
  return `${answer.trimEnd()}\n\n${prompt}`;
}
