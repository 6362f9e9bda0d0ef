import { KnowledgeSearchEngine } from './knowledge-search-engine';
import type { SearchDocument } from './search-document';
import { learnTermAssociations, learnTermAssociationsInSlices, DEFAULT_ASSOCIATION_LEARNING } from './term-associations';
import { TermKind, TextAnalyzer } from './text-analyzer';
import { jiebaSegmenter } from './word-segmenter';

const analyzer = new TextAnalyzer({
  segmenter: jiebaSegmenter,
  hanBigrams: true,
  hanUnigrams: true,
  englishStemming: true,
  stopWords: true,
});

const doc = (id: string, title: string): SearchDocument => ({
  id,
  tenantId: 't',
  title,
  body: '',
  language: 'en',
  category: null,
  tags: [],
  status: 'published',
});

describe('learnTermAssociations', () => {
  const pairs = [
    { a: 'refund my order', b: 'money back for my order' },
    { a: 'refund the shoes', b: 'money back for the shoes' },
    { a: 'refund a gift', b: 'money back on a gift' },
    { a: 'cancel the card', b: 'block the card' },
  ];

  it('learns the same table in slices, yielding to the event loop between them', async () => {
    const many = Array.from({ length: 400 }, (_, i) => pairs[i % pairs.length]);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    // A zero-length slice yields after every pair: the interval gets to run while the table is counted.
    const sliced = await learnTermAssociationsInSlices(many, analyzer, DEFAULT_ASSOCIATION_LEARNING, 0);
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(0);
    expect(sliced).toEqual(learnTermAssociations(many, analyzer));
  });

  it('relates terms that replace each other across equivalent phrasings, both ways', () => {
    const table = learnTermAssociations(pairs, analyzer, {
      ...DEFAULT_ASSOCIATION_LEARNING,
      kinds: [TermKind.Word],
    });
    const refund = table.related.get('wrefund')?.map((r) => r.key) ?? [];
    // Keys are stems: money → monei.
    expect(refund).toEqual(expect.arrayContaining(['wmonei', 'wback']));
    expect(table.related.get('wmonei')?.map((r) => r.key)).toContain('wrefund');
    // Shared words are not translations of anything, and one pair is not evidence.
    expect(table.related.has('worder')).toBe(false);
    expect(table.related.has('wcancel')).toBe(false);
  });

  it('weighs by how often the source term is replaced, smoothed for rare terms', () => {
    const table = learnTermAssociations(pairs, analyzer, {
      ...DEFAULT_ASSOCIATION_LEARNING,
      kinds: [TermKind.Word],
    });
    const weight = table.related.get('wrefund')?.find((r) => r.key === 'wmonei')?.weight ?? 0;
    expect(weight).toBeCloseTo(3 / (3 + DEFAULT_ASSOCIATION_LEARNING.smoothing));
  });
});

describe('learned necessity', () => {
  it('rates terms that survive rephrasing above the average and replaced ones below it', () => {
    const pairs = [
      { a: 'refund my order', b: 'money back for my order' },
      { a: 'refund the shoes', b: 'money back for the shoes' },
      { a: 'cancel the card', b: 'block the card' },
    ];
    const { necessity } = learnTermAssociations(pairs, analyzer);
    expect(necessity.get('worder') ?? 0).toBeGreaterThan(1);
    expect(necessity.get('wcard') ?? 0).toBeGreaterThan(1);
    expect(necessity.get('wrefund') ?? 2).toBeLessThan(1);
  });

  it('ranks the article sharing the term customers never rephrase above one sharing a filler', () => {
    const pairs = ['card', 'login', 'refund', 'parcel'].flatMap((w) => [
      { a: `${w} problem`, b: `${w} issue` },
      { a: `${w} trouble`, b: `${w}` },
    ]);
    const engine = new KnowledgeSearchEngine();
    engine.build([doc('a-problem', 'problem'), doc('z-card', 'card')]);
    // Equal BM25 scores: the id decides.
    expect(engine.search('t', { text: 'card problem' }).items[0].articleId).toBe('a-problem');
    engine.learnAssociations('t', pairs);
    expect(engine.search('t', { text: 'card problem' }).items[0].articleId).toBe('z-card');
  });
});

describe('learned associations in search', () => {
  const pairs = ['order', 'shoes', 'gift', 'parcel'].map((w) => ({ a: `refund ${w}`, b: `money back ${w}` }));

  it('finds an article by a phrasing only the tenant’s answered questions connect to it', () => {
    const engine = new KnowledgeSearchEngine();
    engine.build([doc('refund', 'Refund policy'), doc('card', 'Card policy')]);
    expect(engine.search('t', { text: 'money back' }).items).toHaveLength(0);
    expect(engine.learnAssociations('t', pairs)).toBeGreaterThan(0);
    expect(engine.search('t', { text: 'money back' }).items[0]?.articleId).toBe('refund');
    // Learned terms rank below the query's own words.
    const own = engine.search('t', { text: 'refund' }).items[0].score;
    expect(engine.search('t', { text: 'money back' }).items[0].score).toBeLessThan(own);
  });

  it('keeps the table for a tenant whose index is created later, and per tenant only', () => {
    const engine = new KnowledgeSearchEngine();
    engine.learnAssociations('t', pairs);
    engine.build([doc('refund', 'Refund policy'), { ...doc('other', 'Refund policy'), tenantId: 'u' }]);
    expect(engine.search('t', { text: 'money back' }).items.map((i) => i.articleId)).toEqual(['refund']);
    expect(engine.search('u', { text: 'money back' }).items).toHaveLength(0);
  });
});
