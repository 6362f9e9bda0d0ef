import { selectAgent } from './select-agent';
import type { Agent, AgentRequirements } from './routing.types';

const agent = (id: string, overrides: Partial<Agent> = {}): Agent => ({
  id,
  name: `Agent ${id}`,
  skills: [{ skill: 'billing', level: 3 }],
  languages: ['zh', 'en'],
  channels: ['web', 'email', 'phone'],
  maxConcurrent: 4,
  status: 'online',
  activeCount: 0,
  ...overrides,
});

const billingZhWeb: AgentRequirements = { skills: ['billing'], language: 'zh', channel: 'web' };

describe('selectAgent eligibility', () => {
  it('skips agents who are away, offline or full', () => {
    const agents = [
      agent('a', { status: 'away' }),
      agent('b', { status: 'offline' }),
      agent('c', { activeCount: 4 }),
      agent('d', { activeCount: 3 }),
    ];
    expect(selectAgent(billingZhWeb, agents)).toMatchObject({ outcome: 'selected', agentId: 'd' });
  });

  it('requires the skill at the minimum level, the language and the channel', () => {
    const agents = [
      agent('no-skill', { skills: [{ skill: 'technical', level: 5 }] }),
      agent('junior', { skills: [{ skill: 'billing', level: 1 }] }),
      agent('english-only', { languages: ['en'] }),
      agent('no-web', { channels: ['phone'] }),
      agent('fit', { activeCount: 3 }),
    ];
    expect(selectAgent({ ...billingZhWeb, minLevel: 2 }, agents)).toMatchObject({
      outcome: 'selected',
      agentId: 'fit',
    });
  });

  it('matches skills, languages and channels case-insensitively', () => {
    const agents = [
      agent('a', { skills: [{ skill: 'Billing', level: 3 }], languages: ['ZH'], channels: ['Web'] }),
    ];
    expect(selectAgent(billingZhWeb, agents)).toMatchObject({ outcome: 'selected', agentId: 'a' });
  });

  it('sends strong negative emotion to a senior agent (level ≥ 4) even if more loaded', () => {
    const agents = [
      agent('junior', { activeCount: 0 }),
      agent('senior', { skills: [{ skill: 'billing', level: 4 }], activeCount: 3 }),
    ];
    const calm = selectAgent(billingZhWeb, agents);
    const angry = selectAgent({ ...billingZhWeb, strongNegativeEmotion: true }, agents);
    expect(calm).toMatchObject({ agentId: 'junior', minLevel: 1 });
    expect(angry).toMatchObject({ outcome: 'selected', agentId: 'senior', minLevel: 4 });
    expect(angry.reason).toContain('senior');
  });

  it('applies seniority to the best skill when the queue names no skill', () => {
    const agents = [
      agent('junior', { skills: [{ skill: 'billing', level: 2 }] }),
      agent('senior', { skills: [{ skill: 'tech', level: 5 }], activeCount: 2 }),
    ];
    expect(selectAgent({ skills: [], strongNegativeEmotion: true }, agents)).toMatchObject({
      agentId: 'senior',
      minLevel: 4,
    });
    expect(selectAgent({ skills: [] }, agents)).toMatchObject({ agentId: 'junior' });
  });
});

describe('selectAgent ranking', () => {
  it('prefers the lowest load ratio', () => {
    const agents = [
      agent('big', { maxConcurrent: 10, activeCount: 3 }),
      agent('small', { maxConcurrent: 2, activeCount: 1 }),
    ];
    expect(selectAgent(billingZhWeb, agents)).toMatchObject({ agentId: 'big' });
  });

  it('breaks equal ratios by lower absolute load', () => {
    const agents = [
      agent('big', { maxConcurrent: 8, activeCount: 4 }),
      agent('small', { maxConcurrent: 2, activeCount: 1 }),
    ];
    expect(selectAgent(billingZhWeb, agents)).toMatchObject({ agentId: 'small' });
  });

  it('then by higher skill level, then by id', () => {
    const agents = [agent('b'), agent('c', { skills: [{ skill: 'billing', level: 5 }] }), agent('a')];
    expect(selectAgent(billingZhWeb, agents)).toMatchObject({ agentId: 'c' });
    expect(selectAgent(billingZhWeb, [agent('b'), agent('a')])).toMatchObject({ agentId: 'a' });
  });

  it('explains the choice', () => {
    const decision = selectAgent(billingZhWeb, [agent('a', { name: 'Li Lei', activeCount: 1 })]);
    expect(decision.reason).toBe(
      'Li Lei (a): billing ≥ level 1, language zh, channel web; least loaded of 1 eligible (1/4 active)',
    );
  });
});

describe('selectAgent with nobody available', () => {
  it('counts why each candidate was rejected', () => {
    const agents = [
      agent('busy1', { activeCount: 4 }),
      agent('busy2', { activeCount: 4 }),
      agent('away', { status: 'away' }),
      agent('no-skill', { skills: [] }),
      agent('en', { languages: ['en'] }),
      agent('broken', { maxConcurrent: Number.NaN }),
    ];
    const decision = selectAgent(billingZhWeb, agents);
    expect(decision.outcome).toBe('no-agent');
    if (decision.outcome !== 'no-agent') return;
    expect(decision.rejectionCounts).toEqual({
      'missing-skill': 1,
      'skill-level-too-low': 0,
      'language-not-spoken': 1,
      'channel-not-handled': 0,
      'not-online': 1,
      'at-capacity': 3,
    });
    expect(decision.qualifiedButUnavailable).toBe(4);
    expect(decision.rejections).toContainEqual({ agentId: 'away', reason: 'not-online' });
    expect(decision.reason).toBe(
      "no agent available among 6 (needs billing ≥ level 1, language zh, channel web): 1 lack the skill, 1 don't speak the language, 1 are away or offline, 3 are at capacity",
    );
  });

  it('reports an empty roster', () => {
    expect(selectAgent(billingZhWeb, [])).toMatchObject({ outcome: 'no-agent', qualifiedButUnavailable: 0 });
  });
});
