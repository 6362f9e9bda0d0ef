import type { AppLogger } from '@helpdesk/platform';
import type { ArticleFeedbackRepository } from '../infrastructure/article-feedback.repository';
import type { ArticleRepository } from '../infrastructure/article.repository';
import type { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import type { Article } from './article';
import { SearchIndexService } from './search-index.service';

const at = new Date('2026-01-01T00:00:00Z');
const article = (tenantId: string, id: string, title: string): Article => ({
  id,
  tenantId,
  title,
  body: '',
  language: 'en',
  tags: [],
  category: null,
  status: 'published',
  version: 1,
  helpfulCount: 0,
  notHelpfulCount: 0,
  createdAt: at,
  updatedAt: at,
});

/**
 * Answered questions as the feedback repository returns them; `answered` can grow between calls, and
 * `deflections` (tenant → fingerprint of its deflected automatic answers) can change.
 */
function serviceWith(answered: Array<{ tenantId: string; question: string; title: string }>, deflections = new Map<string, string>()) {
  const articles = {
    async *publishedBatches() {
      yield [
        article('t', 'refund', 'Refund policy'),
        article('t', 'card', 'Card policy'),
        article('u', 'refund-u', 'Refund policy'),
      ];
    },
  } as unknown as ArticleRepository;
  const settings = {
    allSynonyms: async () => new Map<string, string[][]>(),
  } as unknown as KnowledgeSettingsRepository;
  const feedback = {
    answeredQuestions: async (_max: number, tenantId?: string) =>
      answered.filter((r) => tenantId === undefined || r.tenantId === tenantId),
    deflectionFingerprints: async (tenantId?: string) =>
      new Map([...deflections].filter(([t]) => tenantId === undefined || t === tenantId)),
  } as unknown as ArticleFeedbackRepository;
  const logger = { warn: () => undefined } as unknown as AppLogger;
  return new SearchIndexService(articles, settings, feedback, logger);
}

const refundQuestions = (tenantId: string) =>
  ['order', 'shoes', 'gift', 'parcel'].map((w) => ({
    tenantId,
    question: `money back for my ${w}`,
    title: `Refund policy ${w}`,
  }));

describe('SearchIndexService term associations', () => {
  it('learns each tenant’s associations from its answered questions when the index is rebuilt', async () => {
    const service = serviceWith(refundQuestions('t'));
    const report = await service.rebuild(100);
    expect(report.answeredQuestions).toBe(4);
    expect(service.search('t', { text: 'money back' }).items[0]?.articleId).toBe('refund');
    // Another tenant's customers taught nothing to this one.
    expect(service.search('u', { text: 'money back' }).items).toHaveLength(0);
  });

  it('relearns one tenant on demand from questions answered since', async () => {
    const answered: Array<{ tenantId: string; question: string; title: string }> = [];
    const service = serviceWith(answered);
    await service.rebuild(100);
    expect(service.search('u', { text: 'money back' }).items).toHaveLength(0);
    answered.push(...refundQuestions('u'));
    const learned = await service.relearnAssociations('u');
    expect(learned.questions).toBe(4);
    expect(learned.terms).toBeGreaterThan(0);
    expect(service.search('u', { text: 'money back' }).items[0]?.articleId).toBe('refund-u');
  });

  it('reports what each tenant’s table was learned from', async () => {
    const answered = refundQuestions('t');
    const service = serviceWith(answered);
    await service.rebuild(100);
    expect(service.learnedStats('t')).toMatchObject({ answeredQuestions: 4 });
    expect(service.learnedStats('t').terms).toBeGreaterThan(0);
    expect(service.learnedStats('t').learnedAt).toBeInstanceOf(Date);
    expect(service.hasLearned('t')).toBe(true);
    // Nothing answered for u at boot: an empty table, never learned.
    expect(service.learnedStats('u')).toEqual({ answeredQuestions: 0, terms: 0, learnedAt: null });
    expect(service.hasLearned('u')).toBe(false);
  });

  it('names the tenants whose deflected answers changed since their table was learned', async () => {
    const deflections = new Map([['t', '1:42']]);
    const service = serviceWith(refundQuestions('t'), deflections);
    await service.rebuild(100);
    expect(await service.staleDeflections()).toEqual([]);

    deflections.set('t', '2:99');
    deflections.set('u', '1:7');
    expect((await service.staleDeflections()).sort()).toEqual(['t', 'u']);
    await service.relearnAssociations('t');
    expect(await service.staleDeflections()).toEqual(['u']);

    // Every deflection of u escalated after u was learned: its table is stale too.
    await service.relearnAssociations('u');
    deflections.delete('u');
    expect(await service.staleDeflections()).toEqual(['u']);
    await service.relearnAssociations('u');
    expect(await service.staleDeflections()).toEqual([]);
  });
});
