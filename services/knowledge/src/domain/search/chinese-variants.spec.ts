import { createVariantRewriter } from './chinese-variants';
import { KnowledgeSearchEngine, DEFAULT_SEARCH_OPTIONS } from './knowledge-search-engine';
import type { SearchDocument } from './search-document';

describe('createVariantRewriter', () => {
  const rewriter = createVariantRewriter();

  it('rewrites colloquial variants to one canonical form', () => {
    expect(rewriter.rewrite('花呗如何还钱')).toBe('花呗怎么还款');
    expect(rewriter.rewrite('为啥借呗不能提高额度')).toBe('为什么借呗不能提升额度');
  });

  it('prefers the longest variant and leaves canonical forms alone', () => {
    expect(rewriter.rewrite('能不能开启')).toBe('可以开通');
    // 怎 is a variant of 怎么: the head itself must not grow into 怎么么.
    expect(rewriter.rewrite('怎么还款')).toBe('怎么还款');
    expect(rewriter.rewrite('没有额度')).toBe('没有额度');
  });

  it('accepts a custom table and an empty one', () => {
    expect(createVariantRewriter([['退款', '退钱']]).rewrite('怎么退钱')).toBe('怎么退款');
    expect(createVariantRewriter([]).rewrite('怎么退钱')).toBe('怎么退钱');
  });
});

describe('variant rewriting in search', () => {
  const doc = (id: string, title: string): SearchDocument => ({
    id,
    tenantId: 't',
    title,
    body: '',
    language: 'zh',
    category: null,
    tags: [],
    status: 'published',
  });
  const docs = [doc('repay', '花呗如何还钱'), doc('open', '花呗怎么开通'), doc('limit', '借呗额度')];

  it('lets 怎么还款 reach an article written as 如何还钱 with more weight than without rewriting', () => {
    const withVariants = new KnowledgeSearchEngine();
    withVariants.build(docs);
    const without = new KnowledgeSearchEngine({
      analyzer: { ...DEFAULT_SEARCH_OPTIONS.analyzer, variants: undefined },
    });
    without.build(docs);
    const score = (e: KnowledgeSearchEngine) =>
      e.search('t', { text: '怎么还款' }).items.find((i) => i.articleId === 'repay')?.score ?? 0;
    expect(withVariants.search('t', { text: '怎么还款' }).items[0].articleId).toBe('repay');
    expect(score(withVariants)).toBeGreaterThan(score(without) + 0.2);
  });
});
