import { porterStem } from './porter-stemmer';
import { buildSnippet } from './snippet-builder';

const terms = (han: string[], latin: string[] = []) => ({
  hanSurfaces: han,
  latinStems: new Set(latin.map(porterStem)),
  stem: porterStem,
});

describe('buildSnippet', () => {
  it('returns a short text whole, with matches marked', () => {
    expect(buildSnippet('打开花呗页面即可还款', terms(['花呗', '还款']))).toBe(
      '打开<em>花呗</em>页面即可<em>还款</em>',
    );
  });

  it('centres the window on the densest matches of a long text', () => {
    const body = `${'无关内容。'.repeat(40)}逾期后花呗会被冻结，还清欠款后花呗解冻。${'其他说明。'.repeat(40)}`;
    const snippet = buildSnippet(body, terms(['花呗', '冻结']), 60);
    expect(snippet).toMatch(/^…/);
    expect(snippet).toMatch(/…$/);
    expect(snippet).toContain('<em>花呗</em>会被<em>冻结</em>');
  });

  it('matches full-width and upper-case text against normalised query terms', () => {
    expect(buildSnippet('ＲＥＦＵＮＤ within 3 days', terms([], ['refund']))).toBe(
      '<em>ＲＥＦＵＮＤ</em> within 3 days',
    );
  });

  it('escapes markup from the article', () => {
    expect(buildSnippet('<script>refund</script>', terms([], ['refund']))).toBe(
      '&lt;script&gt;<em>refund</em>&lt;/script&gt;',
    );
  });

  it('starts at the beginning when nothing matches', () => {
    const snippet = buildSnippet('a'.repeat(300), terms(['花呗']), 50);
    expect(snippet).toBe(`${'a'.repeat(50)}…`);
  });
});
