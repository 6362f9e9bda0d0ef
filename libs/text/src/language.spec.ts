import { detectLanguage } from './language';
import { charNgrams, tokenize } from './tokenize';

describe('detectLanguage', () => {
  it.each([
    ['账号被盗，钱被转走了，马上处理！', 'zh'],
    ['我的 iPhone 无法登录 app', 'zh'],
    ['I was charged twice, please refund', 'en'],
    ['Bitte erstatten Sie mir das Geld zurück', 'other'],
    ['12345 !!!', 'other'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});

describe('tokenize', () => {
  it('segments Chinese and keeps English words', () => {
    expect(tokenize('账号被盗 Cannot LOGIN')).toEqual(['账号', '被盗', 'cannot', 'login']);
  });
  it('folds full-width characters', () => {
    expect(tokenize('ＡＢＣ１２３')).toEqual(['abc123']);
  });
  it('builds character bigrams without punctuation', () => {
    expect(charNgrams('花呗，还款', 2)).toEqual(['花呗', '呗还', '还款']);
  });
});
