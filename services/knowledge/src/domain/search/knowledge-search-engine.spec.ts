import { DEFAULT_SEARCH_OPTIONS, KnowledgeSearchEngine } from './knowledge-search-engine';
import type { SearchDocument } from './search-document';
import { SearchErrorCode, SearchException } from './search.exception';

const T = 'tenant-a';

function article(
  id: string,
  title: string,
  body: string,
  extra: Partial<SearchDocument> = {},
): SearchDocument {
  return {
    id,
    tenantId: T,
    title,
    body,
    language: 'zh',
    category: null,
    tags: [],
    status: 'published',
    ...extra,
  };
}

const ARTICLES: SearchDocument[] = [
  article('repay', '花呗怎么还款', '打开支付宝，进入我的花呗页面，点击立即还款即可完成本期账单的还款。'),
  article('freeze', '花呗被冻结了怎么解冻', '花呗冻结通常因为逾期或风险，请先结清欠款，再申请解冻。'),
  article('loan', '借呗额度怎么提升', '借呗额度由系统综合评估，按时还款有助于提升额度。'),
  article(
    'refund-en',
    'How to request a refund',
    'Open your orders, choose the item and ask for a refund. Refunds arrive within 3 days.',
    {
      language: 'en',
      category: 'billing',
      tags: ['orders'],
    },
  ),
  article(
    'password-en',
    'Reset your password',
    'Use the forgot password link on the sign-in page to reset it.',
    { language: 'en', category: 'account' },
  ),
];

function engineWith(docs = ARTICLES): KnowledgeSearchEngine {
  const engine = new KnowledgeSearchEngine();
  engine.build(docs);
  return engine;
}

function ids(engine: KnowledgeSearchEngine, text: string, extra: object = {}): string[] {
  return engine.search(T, { text, ...extra }).items.map((i) => i.articleId);
}

describe('KnowledgeSearchEngine', () => {
  it('finds the Chinese article a customer phrases differently, first', () => {
    const engine = engineWith();
    expect(ids(engine, '我的花呗冻结了能解冻吗')[0]).toBe('freeze');
    expect(ids(engine, '花呗如何还钱')[0]).toBe('repay');
  });

  it('still matches an unsegmented or misspelt Chinese query through character n-grams', () => {
    const engine = engineWith();
    expect(ids(engine, '借呗额读提生')[0]).toBe('loan');
  });

  it('matches English inflections and ignores case and full-width letters', () => {
    const engine = engineWith();
    expect(ids(engine, 'REFUNDED')[0]).toBe('refund-en');
    expect(ids(engine, 'ｐａｓｓｗｏｒｄｓ')[0]).toBe('password-en');
  });

  it('expands queries with tenant synonyms, ranking the literal match higher', () => {
    const docs = [
      article('mayi', '蚂蚁花呗开通条件', '开通需要实名认证'),
      article('other', '余额宝收益说明', '每日计算收益'),
      article('en-money', 'Getting your money back', 'We return the money to your card.', { language: 'en' }),
    ];
    const plain = engineWith(docs);
    expect(ids(plain, 'refund')).toEqual([]);

    const engine = engineWith(docs);
    engine.setSynonyms(T, [
      ['花呗', '蚂蚁花呗'],
      ['refund', 'money back'],
    ]);
    expect(ids(engine, 'refund')).toEqual(['en-money']);
    expect(ids(engine, '花呗开通')[0]).toBe('mayi');
  });

  it('gives the title more weight than the body', () => {
    const engine = engineWith([
      article('in-body', '账户设置', '这里介绍如何修改绑定手机号'),
      article('in-title', '修改绑定手机号', '账户设置说明'),
    ]);
    expect(ids(engine, '修改绑定手机号')[0]).toBe('in-title');
  });

  it('filters by language, category and tag', () => {
    const engine = engineWith();
    expect(ids(engine, 'refund password 花呗', { language: 'en' })).toEqual(
      expect.arrayContaining(['refund-en', 'password-en']),
    );
    expect(ids(engine, 'refund password 花呗', { language: 'en' })).not.toContain('repay');
    expect(ids(engine, 'refund password', { category: 'account' })).toEqual(['password-en']);
    expect(ids(engine, 'refund password', { tags: ['orders'] })).toEqual(['refund-en']);
    expect(ids(engine, '花呗', { language: 'zh-Hans' })).toEqual(expect.arrayContaining(['repay', 'freeze']));
  });

  it('respects the limit', () => {
    const engine = engineWith();
    expect(ids(engine, '花呗 借呗 还款', { limit: 1 })).toHaveLength(1);
  });

  it('highlights matched terms in a window of the body, escaping markup', () => {
    const engine = engineWith([
      article(
        'long',
        'Shipping',
        `${'Intro text. '.repeat(30)}Your <b>refund</b> is sent to the original card. ${'Outro. '.repeat(30)}`,
        {
          language: 'en',
        },
      ),
    ]);
    const [hit] = engine.search(T, { text: 'refunds card' }).items;
    expect(hit.snippet).toContain('<em>refund</em>');
    expect(hit.snippet).toContain('<em>card</em>');
    expect(hit.snippet).toContain('&lt;b&gt;');
    expect(hit.snippet.startsWith('…')).toBe(true);
    expect(hit.snippet.length).toBeLessThan(200);
  });

  it('highlights Chinese words in the snippet', () => {
    const engine = engineWith();
    const [hit] = engine.search(T, { text: '花呗冻结' }).items;
    expect(hit.articleId).toBe('freeze');
    expect(hit.snippet).toContain('<em>花呗冻结</em>');
  });

  it('only serves published articles and follows updates and removals', () => {
    const engine = engineWith();
    engine.update({ ...ARTICLES[2], status: 'draft' });
    expect(ids(engine, '借呗额度')).not.toContain('loan');
    engine.update({ ...ARTICLES[2], title: '借呗利率说明', body: '日利率按合同计算' });
    expect(ids(engine, '借呗利率')[0]).toBe('loan');
    expect(ids(engine, '提升额度')).not.toContain('loan');
    expect(engine.remove(T, 'loan')).toBe(true);
    expect(ids(engine, '借呗利率')).not.toContain('loan');
    expect(engine.remove(T, 'loan')).toBe(false);
  });

  it('keeps tenants apart', () => {
    const engine = engineWith();
    engine.add(article('b-only', '花呗怎么还款', '其他租户', { tenantId: 'tenant-b' }));
    expect(ids(engine, '花呗还款')).not.toContain('b-only');
    expect(engine.search('tenant-b', { text: '花呗还款' }).items.map((i) => i.articleId)).toEqual(['b-only']);
    expect(engine.search('nobody', { text: '花呗' }).items).toEqual([]);
  });

  it('lets helpful feedback lift an article above an equally relevant one', () => {
    const docs = [article('x', '花呗账单查询', ''), article('y', '花呗账单查询', '')];
    const engine = engineWith(docs);
    expect(ids(engine, '花呗账单')[0]).toBe('x');
    engine.setFeedback(T, 'y', { helpful: 20, notHelpful: 1 });
    expect(ids(engine, '花呗账单')[0]).toBe('y');
    engine.build(docs);
    expect(ids(engine, '花呗账单')[0]).toBe('y');
  });

  it('reports scores and confidence between 0 and 1, higher for a clear match', () => {
    const engine = engineWith();
    const clear = engine.search(T, { text: '花呗被冻结了怎么解冻' });
    const vague = engine.search(T, { text: '怎么' });
    for (const r of [clear, vague]) {
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      for (const item of r.items) expect(item.score).toBeLessThanOrEqual(1);
    }
    expect(clear.items[0].articleId).toBe('freeze');
    expect(clear.signals.margin).toBeGreaterThan(vague.signals.margin);
    expect(clear.confidence).toBeGreaterThan(vague.confidence);
  });

  it('still finds the articles a ticket-length query is about', () => {
    const engine = engineWith();
    const unknown = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const text = `${ARTICLES[0].body}${ARTICLES[2].body}我的花呗被冻结了，请问怎么解冻？${unknown}`.slice(
      0,
      1000,
    );
    expect(ids(engine, text)).toEqual(expect.arrayContaining(['freeze', 'repay', 'loan']));
  });

  it('returns nothing (not an error) for a query without known words', () => {
    const engine = engineWith();
    expect(engine.search(T, { text: '???' }).items).toEqual([]);
    expect(engine.search(T, { text: 'zzzqqq' }).confidence).toBe(0);
  });

  it.each([
    ['empty query', { text: '   ' }, SearchErrorCode.EmptyQuery],
    ['10 kB query', { text: 'a'.repeat(10_000) }, SearchErrorCode.QueryTooLong],
    ['bad language', { text: '花呗', language: 'chinese!' }, SearchErrorCode.InvalidLanguage],
    ['limit 0', { text: '花呗', limit: 0 }, SearchErrorCode.InvalidLimit],
    ['limit 1000', { text: '花呗', limit: 1000 }, SearchErrorCode.InvalidLimit],
  ])('rejects %s with a typed error', (_name, query, code) => {
    const engine = engineWith();
    let caught: unknown;
    try {
      engine.search(T, query);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SearchException);
    expect((caught as SearchException).code).toBe(code);
  });

  it('rejects an article with an invalid language code', () => {
    const engine = engineWith();
    expect(() => engine.add(article('bad', 't', 'b', { language: '??' }))).toThrow(SearchException);
  });

  it('stays correct after many updates trigger compaction', () => {
    const engine = engineWith([]);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 1500; i++)
        engine.add(article(`a${i}`, `文章${i} 版本${round}`, `内容 round${round}`));
    }
    expect(engine.stats(T)?.documents).toBe(1500);
    expect(ids(engine, 'round2').length).toBeGreaterThan(0);
    expect(ids(engine, 'round1')).toEqual([]);
    expect(ids(engine, '文章42 版本2')[0]).toBe('a42');
  });

  it('ranks articles with an empty body under full length normalisation (b = 1)', () => {
    const engine = new KnowledgeSearchEngine({ ranking: { ...DEFAULT_SEARCH_OPTIONS.ranking, b: 1 } });
    engine.build([article('a', '花呗怎么还款', ''), article('b', '借呗额度怎么提升', '')]);
    const result = engine.search(T, { text: '花呗还款' });
    expect(result.items[0]?.articleId).toBe('a');
    expect(Number.isFinite(result.items[0]?.rawScore)).toBe(true);
  });
});
