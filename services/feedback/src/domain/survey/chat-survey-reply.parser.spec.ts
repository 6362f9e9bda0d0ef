import { parseChatSurveyReply } from './chat-survey-reply.parser';

describe('parseChatSurveyReply', () => {
  it.each([
    ['1', 1],
    ['5', 5],
    ['１', 1],
    ['５分', 5],
    ['5分', 5],
    ['五星', 5],
    ['三星', 3],
    ['两分', 2],
    ['3 stars', 3],
    ['1 star', 1],
    ['4/5', 4],
    ['  2 。', 2],
    ['打4分！', 4],
    ['给五星', 5],
    ['评分：3', 3],
    ['Rating: 5', 5],
    ['★★★', 3],
    ['⭐️⭐️⭐️⭐️', 4],
  ])('reads %p as CSAT %p', (text, expected) => {
    expect(parseChatSurveyReply(text)).toBe(expected);
  });

  it.each([
    '0',
    '6',
    '10分',
    '六星',
    '',
    '   ',
    '订单 3 还没到',
    'I have 2 questions',
    '3 more things',
    '5 stars but slow delivery',
    '12315',
    '★★★★★★',
    'hello',
  ])('does not take %p as a CSAT answer', (text) => {
    expect(parseChatSurveyReply(text)).toBeNull();
  });

  it('returns null for non-text input instead of throwing', () => {
    expect(parseChatSurveyReply(undefined)).toBeNull();
    expect(parseChatSurveyReply(5)).toBeNull();
  });
});
