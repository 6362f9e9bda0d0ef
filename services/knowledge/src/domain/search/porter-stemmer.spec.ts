import { porterStem } from './porter-stemmer';

describe('porterStem', () => {
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['motoring', 'motor'],
    ['sing', 'sing'],
    ['conflated', 'conflat'],
    ['troubled', 'troubl'],
    ['sized', 'size'],
    ['hopping', 'hop'],
    ['falling', 'fall'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['generalization', 'gener'],
    ['adjustment', 'adjust'],
    ['controll', 'control'],
    ['probate', 'probat'],
  ])('stems %s to %s', (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });

  it('maps inflections of one word to the same stem so searches match them', () => {
    const stems = ['connect', 'connected', 'connecting', 'connection', 'connections'].map(porterStem);
    expect(new Set(stems)).toEqual(new Set(['connect']));
    expect(porterStem('refunds')).toBe(porterStem('refunded'));
  });

  it('leaves short words, digits and non-ascii words alone', () => {
    expect(porterStem('is')).toBe('is');
    expect(porterStem('2024')).toBe('2024');
    expect(porterStem('café')).toBe('café');
  });
});
