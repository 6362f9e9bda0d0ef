import { normalizeContent, sameContent, toView, type Article, type ArticleContent } from './article';

const content: ArticleContent = { title: ' 花呗怎么还款 ', body: '打开支付宝。', language: ' zh ', tags: [' 花呗', '还款', '花呗', ' '], category: '  ', status: 'published' };

describe('article content', () => {
  it('trims title, language and tags, drops repeated and blank tags, and turns a blank category into none', () => {
    expect(normalizeContent(content)).toEqual({ title: '花呗怎么还款', body: '打开支付宝。', language: 'zh', tags: ['花呗', '还款'], category: null, status: 'published' });
  });

  it('tells an edit from the same content sent again', () => {
    const a = normalizeContent(content);
    expect(sameContent(a, { ...a, tags: [...a.tags] })).toBe(true);
    expect(sameContent(a, { ...a, tags: ['还款', '花呗'] })).toBe(false);
    expect(sameContent(a, { ...a, status: 'draft' })).toBe(false);
    expect(sameContent(a, { ...a, category: 'billing' })).toBe(false);
  });

  it('shows an earlier version with the latest version number beside it', () => {
    const at = new Date('2026-11-23T08:00:00.000Z');
    const later = new Date('2026-11-24T08:00:00.000Z');
    const head: Article = { ...normalizeContent(content), id: 'a1', tenantId: 't', version: 3, helpfulCount: 2, notHelpfulCount: 1, createdAt: at, updatedAt: later };
    const v1 = { ...normalizeContent(content), title: '旧标题', articleId: 'a1', version: 1, createdBy: null, createdAt: at };
    expect(toView(head, v1)).toMatchObject({ id: 'a1', version: 1, latestVersion: 3, title: '旧标题', updatedAt: at.toISOString(), feedback: { helpful: 2, notHelpful: 1 } });
    expect(toView(head)).toMatchObject({ version: 3, latestVersion: 3, title: '花呗怎么还款', updatedAt: later.toISOString() });
  });
});
