/**
 * Recognises a bare CSAT answer typed into a chat channel after a "reply 1–5" survey prompt.
 * Deliberately strict: the whole message must be the score (optionally with a unit such as
 * 分/星/stars, a short lead-in such as 打/给/rating:, and trailing punctuation), so an ordinary
 * message that happens to contain a digit ("订单 3 还没到") is never taken as an answer.
 */
const CHINESE_DIGITS: Readonly<Record<string, number>> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5 };
const MAX_REPLY_CHARS = 40;

const LEAD_IN = String.raw`(?:我?(?:打|给|评)\s*|评分\s*[:：]?\s*|(?:rating|score|csat)\s*[:：]?\s*)?`;
const UNIT = String.raw`(?:\s*(?:分|星|颗星|个星|星星|stars?|pts?|points?|\/\s*5|分\s*\/\s*5分?))?`;
const TRAILER = String.raw`[\s.!。！~～,，、]*`;
const ARABIC = new RegExp(String.raw`^${LEAD_IN}([1-5])${UNIT}${TRAILER}$`, 'u');
const CHINESE = new RegExp(String.raw`^${LEAD_IN}([一二两三四五])${UNIT}${TRAILER}$`, 'u');
const STARS = new RegExp(String.raw`^([★⭐]{1,5})${TRAILER}$`, 'u');

export function parseChatSurveyReply(text: unknown): number | null {
  if (typeof text !== 'string' || text.length > MAX_REPLY_CHARS * 4) return null;
  // NFKC turns full-width digits (１) into ASCII; U+FE0F is the emoji presentation selector after ⭐.
  const normalized = text
    .normalize('NFKC')
    .replace(/\uFE0F/gu, '')
    .trim()
    .toLowerCase();
  if (normalized.length === 0 || [...normalized].length > MAX_REPLY_CHARS) return null;

  const arabic = ARABIC.exec(normalized);
  if (arabic?.[1] !== undefined) return Number(arabic[1]);
  const chinese = CHINESE.exec(normalized);
  if (chinese?.[1] !== undefined) return CHINESE_DIGITS[chinese[1]] ?? null;
  const stars = STARS.exec(normalized);
  if (stars?.[1] !== undefined) return [...stars[1]].length;
  return null;
}
