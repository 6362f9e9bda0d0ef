import { TermDictionary } from './term-dictionary';

describe('TermDictionary', () => {
  it('gives every distinct term one stable id across growth', () => {
    const dict = new TermDictionary(4);
    const terms = Array.from({ length: 5000 }, (_, i) => `b花${String.fromCharCode(0x4e00 + i)}`);
    const ids = terms.map((t) => dict.intern(t));
    expect(new Set(ids).size).toBe(5000);
    expect(terms.map((t) => dict.intern(t))).toEqual(ids);
    expect(terms.map((t) => dict.get(t))).toEqual(ids);
    expect(dict.get('missing')).toBeUndefined();
    expect(dict.size).toBe(5000);
  });

  it('drops terms on retain and renumbers the rest densely', () => {
    const dict = new TermDictionary();
    ['a', 'b', 'c', 'd'].forEach((t) => dict.intern(t));
    const renumber = dict.retain((id) => id % 2 === 1);
    expect(Array.from(renumber)).toEqual([-1, 0, -1, 1]);
    expect(dict.get('b')).toBe(0);
    expect(dict.get('d')).toBe(1);
    expect(dict.get('a')).toBeUndefined();
    expect(dict.intern('e')).toBe(2);
  });
});
