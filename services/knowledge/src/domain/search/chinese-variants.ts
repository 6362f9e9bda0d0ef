/**
 * Language-level rewriting of colloquial Chinese variants to one canonical form, applied to articles and
 * queries alike (so both sides meet on the same terms). Tenant synonym groups stay separate: these are
 * facts of the language, those are facts of a tenant's products.
 *
 * Each row is [canonical, ...variants]; the longest variant wins where two overlap (能不能 before 能).
 */
export const CHINESE_VARIANT_GROUPS: readonly (readonly string[])[] = [
  ['怎么', '怎样', '怎么样', '如何', '咋', '怎麼', '怎'],
  ['为什么', '为啥', '为何', '为毛', '怎么回事'],
  ['可以', '能不能', '可不可以', '能否', '是否可以', '能够', '可否'],
  ['还款', '还钱'],
  ['额度', '信用额度', '信用额'],
  ['开通', '开启'],
  ['提升', '提高', '增加', '提额', '调高'],
  ['关闭', '关掉', '关了', '取消掉'],
  ['不能', '不可以', '无法', '不了'],
  ['没有', '没'],
  ['多久', '多长时间', '多少时间'],
  ['哪里', '哪儿'],
  ['手机号', '手机号码', '电话号码'],
  ['账户', '帐户', '账号', '帐号'],
  ['账单', '帐单'],
  ['以前', '之前', '原来'],
];

export interface VariantRewriter {
  rewrite(hanRun: string): string;
}

/** Rewrites every variant in a Han run to its canonical form in one left-to-right pass. */
export function createVariantRewriter(
  groups: readonly (readonly string[])[] = CHINESE_VARIANT_GROUPS,
): VariantRewriter {
  const canonical = new Map<string, string>();
  // Heads map to themselves so that a short variant inside a head (怎 in 怎么) is not rewritten again.
  for (const [head, ...variants] of groups) {
    canonical.set(head, head);
    for (const v of variants) canonical.set(v, head);
  }
  if (canonical.size === 0) return { rewrite: (run) => run };
  const alternatives = [...canonical.keys()].sort((a, b) => b.length - a.length).map(escape);
  const pattern = new RegExp(alternatives.join('|'), 'gu');
  return { rewrite: (run) => run.replace(pattern, (m) => canonical.get(m) ?? m) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
