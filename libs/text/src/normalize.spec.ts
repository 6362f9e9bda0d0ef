import { normalizeText } from './normalize';

describe('normalizeText', () => {
  it('folds full-width forms, case and whitespace', () => {
    expect(normalizeText('  ＡＢＣ１２３\t Refund\n\n退款！ ')).toBe('abc123 refund 退款!');
  });

  it('answers each text for itself when texts alternate (the last result is reused only for the same text)', () => {
    const a = 'Ｈｅｌｌｏ  World';
    const b = '花呗  怎么还款';
    expect([normalizeText(a), normalizeText(b), normalizeText(a), normalizeText(a), normalizeText(b)]).toEqual([
      'hello world',
      '花呗 怎么还款',
      'hello world',
      'hello world',
      '花呗 怎么还款',
    ]);
  });
});
