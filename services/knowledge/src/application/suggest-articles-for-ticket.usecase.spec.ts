import { MAX_QUERY_LENGTH } from '../domain/search';
import { questionOf } from './suggest-articles-for-ticket.usecase';

describe('questionOf', () => {
  it('joins subject and body, leaving out what is blank', () => {
    expect(questionOf(' 开发票 ', ' 请问怎么开发票？ ')).toBe('开发票\n请问怎么开发票？');
    expect(questionOf(null, '请问怎么开发票？')).toBe('请问怎么开发票？');
    expect(questionOf('   ', 'How do I get a refund?')).toBe('How do I get a refund?');
  });

  it('cuts a long ticket to what search accepts without splitting a character', () => {
    expect(questionOf(null, 'x'.repeat(5000))).toHaveLength(MAX_QUERY_LENGTH);
    // An emoji is two UTF-16 units: one must not be cut in half at the limit.
    const text = `${'x'.repeat(MAX_QUERY_LENGTH - 1)}😀tail`;
    const cut = questionOf(null, text);
    expect(cut).toBe('x'.repeat(MAX_QUERY_LENGTH - 1));
    expect(cut.charCodeAt(cut.length - 1)).toBe('x'.charCodeAt(0));
  });
});
