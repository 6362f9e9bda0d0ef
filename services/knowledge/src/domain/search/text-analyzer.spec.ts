import { TermKind, TextAnalyzer } from './text-analyzer';
import { SynonymExpander } from './synonym-expander';
import { createVariantRewriter } from './chinese-variants';
import { createIntlSegmenter, jiebaSegmenter } from './word-segmenter';

const full = new TextAnalyzer({
  segmenter: jiebaSegmenter,
  hanBigrams: true,
  hanUnigrams: true,
  englishStemming: true,
  stopWords: true,
});
const keys = (analyzer: TextAnalyzer, text: string, kind: TermKind): string[] =>
  analyzer
    .analyze(text)
    .filter((t) => t.kind === kind)
    .map((t) => t.key.slice(1));

describe('TextAnalyzer', () => {
  it('indexes Chinese as words, bigrams and characters', () => {
    // jieba's stock dictionary lacks 花呗: the bigram is what lets the product name match as a unit.
    expect(keys(full, '花呗还款', TermKind.Word)).toEqual(expect.arrayContaining(['还款']));
    expect(keys(full, '花呗还款', TermKind.Bigram)).toEqual(['花呗', '呗还', '还款']);
    expect(keys(full, '花呗还款', TermKind.Unigram)).toEqual(['花', '呗', '还', '款']);
  });

  it('splits mixed Chinese and Latin text and stems English words', () => {
    const words = keys(full, 'iPhone手机Refunds退款', TermKind.Word);
    expect(words).toEqual(expect.arrayContaining(['iphon', 'refund', '手机', '退款']));
    expect(keys(full, 'iPhone手机', TermKind.Bigram)).toEqual(['手机']);
  });

  it('drops stop words but falls back to them when a query has nothing else', () => {
    expect(keys(full, 'how to cancel the card', TermKind.Word)).toEqual(['cancel', 'card']);
    expect(full.analyzeQuery('how to').terms.map((t) => t.key)).toEqual(['whow', 'wto']);
  });

  it('folds full-width characters and case', () => {
    expect(keys(full, 'ＲＥＦＵＮＤ', TermKind.Word)).toEqual(['refund']);
  });

  it('can segment with Intl.Segmenter instead of jieba', () => {
    const intl = new TextAnalyzer({ ...full.options, segmenter: createIntlSegmenter() });
    expect(keys(intl, '为什么显示没有还款', TermKind.Word)).toEqual(
      expect.arrayContaining(['为什么', '显示', '没有']),
    );
  });
});

describe('SynonymExpander', () => {
  const expander = new SynonymExpander(
    [
      ['花呗', '蚂蚁花呗'],
      ['refund', 'money back'],
    ],
    full,
  );

  it('adds the other phrases of a group the query mentions', () => {
    expect(expander.expansions(full.analyzeQuery('花呗怎么还'))).toEqual(['蚂蚁花呗']);
    expect(expander.expansions(full.analyzeQuery('I want my money back'))).toEqual(['refund']);
    expect(expander.expansions(full.analyzeQuery('refunded twice'))).toEqual(['money back']);
  });

  it('adds nothing when every phrase of the group is already there or none is', () => {
    expect(expander.expansions(full.analyzeQuery('蚂蚁花呗怎么还'))).toEqual([]);
    expect(expander.expansions(full.analyzeQuery('money in the back room'))).toEqual([]);
  });
});

describe('TextAnalyzer with variant rewriting', () => {
  const analyzer = new TextAnalyzer({
    segmenter: jiebaSegmenter,
    hanBigrams: true,
    hanUnigrams: true,
    englishStemming: true,
    stopWords: true,
    variants: createVariantRewriter(),
  });

  it('indexes the canonical form of a colloquial variant', () => {
    expect(keys(analyzer, '花呗如何还钱', TermKind.Word)).toEqual(expect.arrayContaining(['怎么', '还款']));
    expect(keys(analyzer, '花呗如何还钱', TermKind.Bigram)).not.toContain('还钱');
  });

  it('still highlights the words the customer typed', () => {
    const { hanSurfaces } = analyzer.analyzeQuery('花呗如何还钱');
    expect(hanSurfaces).toEqual(expect.arrayContaining(['花呗', '还钱']));
  });
});
