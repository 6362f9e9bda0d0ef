import { DEFAULT_LEXICON, LexiconOverrideError, mergeLexicon, parseLexiconOverride } from './lexicon';
import { CompiledLexicon } from './lexicon-matcher';

describe('lexicon', () => {
  it('merges a tenant override: re-weights, removes, adds hedges and negators', () => {
    const merged = mergeLexicon(DEFAULT_LEXICON, {
      terms: [{ term: '投诉', signal: 'legal', weight: 1 }],
      removeTerms: ['差评'],
      hedges: [{ term: '不赶时间', suppresses: ['time-pressure'] }],
      negators: ['并未'],
    });
    const matcher = new CompiledLexicon(merged);
    expect(merged.terms.filter((t) => t.term === '投诉')).toEqual([{ term: '投诉', signal: 'legal', weight: 1 }]);
    expect(matcher.match('给你差评').terms).toEqual([]);
    expect(matcher.match('不赶时间，尽快也行').suppressed.has('time-pressure')).toBe(true);
    expect(matcher.match('账号并未被盗').terms[0]?.negated).toBe(true);
    expect(DEFAULT_LEXICON.terms.some((t) => t.term === '差评')).toBe(true);
  });

  it('matches whole words only for Latin terms, with offsets into the original text', () => {
    const matcher = new CompiledLexicon(DEFAULT_LEXICON);
    expect(matcher.match('This issue is about tissue paper').terms.map((t) => t.evidence)).not.toContain('sue');
    const [hit] = matcher.match('Please answer ＡＳＡＰ').terms;
    expect(hit).toMatchObject({ evidence: 'ＡＳＡＰ', start: 14, end: 18 });
  });

  it('takes the longest entry at each position and falls back to a one-character one', () => {
    const matcher = new CompiledLexicon(
      mergeLexicon(DEFAULT_LEXICON, {
        terms: [
          { term: '急', signal: 'time-pressure', weight: 0.5 },
          { term: '急单', signal: 'time-pressure', weight: 0.8 },
          { term: 'x', signal: 'money', weight: 0.5 },
          { term: 'xl order', signal: 'money', weight: 0.8 },
        ],
      }),
    );
    expect(matcher.match('急单急，急').terms.map((t) => t.evidence)).toEqual(['急单', '急', '急']);
    expect(matcher.match('X marks the box, xl order x, xl').terms.map((t) => t.evidence)).toEqual(['X', 'xl order', 'x']);
  });

  it('validates an override received as JSON', () => {
    const parsed = parseLexiconOverride({ terms: [{ term: ' 冻结 ', signal: 'money', weight: 0.8 }], removeTerms: ['asap'] });
    expect(parsed.terms).toEqual([{ term: '冻结', signal: 'money', weight: 0.8 }]);
    for (const bad of [null, [], { terms: 'x' }, { terms: [{ term: 'x', signal: 'nope', weight: 1 }] }, { terms: [{ term: '', signal: 'money', weight: 1 }] }, { terms: [{ term: 'x', signal: 'money', weight: 9 }] }, { hedges: [{ term: 'x', suppresses: [] }] }]) {
      expect(() => parseLexiconOverride(bad)).toThrow(LexiconOverrideError);
    }
  });
});
