import { SENIOR_LEVEL, type Queue } from './routing.types';
import {
  BUILT_IN_QUEUES,
  COMPLAINTS_QUEUE_ID,
  DEFAULT_QUEUE_ID,
  SUPERVISOR_QUEUE_ID,
  effectiveQueues,
  isStrongNegativeEmotion,
  planForQueue,
  planRouting,
  supervisorQueue,
  type RoutingInput,
} from './routing-plan';

const vip: Queue = { id: 'vip', name: 'VIP', skills: ['vip'], vip: true };
const billing: Queue = { id: 'billing', name: 'Billing', skills: ['billing'] };
const input = (over: Partial<RoutingInput> = {}): RoutingInput => ({
  category: 'general',
  customerTier: 'standard',
  priority: 'P3',
  language: 'zh',
  channel: 'wechat',
  strongNegativeEmotion: false,
  ...over,
});

describe('effectiveQueues', () => {
  it('gives a tenant without queues a default, a supervisor and a complaints queue, none needing a skill', () => {
    const queues = effectiveQueues([]);
    expect(queues.map((q) => q.id)).toEqual([DEFAULT_QUEUE_ID, SUPERVISOR_QUEUE_ID, COMPLAINTS_QUEUE_ID]);
    expect(queues.every((q) => q.skills.length === 0)).toBe(true);
  });

  it("keeps the tenant's own queue for a role and adds only the missing ones", () => {
    const own: Queue = { id: 'escalations', name: 'Escalations', skills: ['lead'], supervisor: true };
    const queues = effectiveQueues([own, { id: 'main', name: 'Main', skills: [], isDefault: true }]);
    expect(queues.map((q) => q.id)).toEqual(['escalations', 'main', COMPLAINTS_QUEUE_ID]);
    expect(supervisorQueue([own]).id).toBe('escalations');
    expect(supervisorQueue([]).id).toBe(SUPERVISOR_QUEUE_ID);
  });

  it('never lists a built-in twice', () => {
    expect(effectiveQueues(BUILT_IN_QUEUES).length).toBe(BUILT_IN_QUEUES.length);
  });
});

describe('planRouting', () => {
  it('sends a VIP to the VIP queue, prefers the category specialist and asks a senior for P1', () => {
    const plan = planRouting(input({ customerTier: 'vip', category: 'security', priority: 'P1' }), [vip, billing], new Set(['security', 'vip']));
    expect(plan.queueId).toBe('vip');
    expect(plan.rule).toBe('vip');
    expect(plan.attempts.map((a) => a.skills)).toEqual([['vip', 'security'], ['vip']]);
    expect(plan.attempts.every((a) => a.minLevel === SENIOR_LEVEL)).toBe(true);
    expect(plan.waitWith).toEqual(plan.attempts[1]);
    expect(plan.reason).toContain('P1 → senior agent');
  });

  it('does not look for a specialist nobody has', () => {
    const plan = planRouting(input({ customerTier: 'vip', category: 'security' }), [vip], new Set(['vip']));
    expect(plan.attempts.map((a) => a.skills)).toEqual([['vip']]);
    expect(plan.attempts[0]?.minLevel).toBeUndefined();
  });

  it('routes by category skill, else to the default queue', () => {
    expect(planRouting(input({ category: 'billing' }), [vip, billing], new Set()).queueId).toBe('billing');
    const fallback = planRouting(input({ category: 'shipping' }), [vip, billing], new Set());
    expect(fallback).toMatchObject({ queueId: DEFAULT_QUEUE_ID, rule: 'default' });
  });

  it('uses a learned queue for regular customers, never over the VIP queue', () => {
    expect(planRouting(input({ learnedQueue: 'billing' }), [vip, billing], new Set())).toMatchObject({ queueId: 'billing', rule: 'learned' });
    expect(planRouting(input({ learnedQueue: 'billing', customerTier: 'enterprise' }), [vip, billing], new Set()).queueId).toBe('vip');
    expect(planRouting(input({ learnedQueue: 'no-such-queue' }), [vip, billing], new Set()).queueId).toBe(DEFAULT_QUEUE_ID);
  });

  it('passes language (any for "other"), channel and strong emotion on to the agent requirements', () => {
    const plan = planRouting(input({ language: 'other', channel: 'phone', strongNegativeEmotion: true }), [], new Set());
    expect(plan.waitWith).toMatchObject({ language: null, channel: 'phone', strongNegativeEmotion: true });
    expect(plan.reason).toContain('strong negative emotion → senior agent');
  });
});

describe('planForQueue', () => {
  it('routes inside the given queue with its skills', () => {
    const plan = planForQueue(billing, { priority: 'P2', language: 'en', channel: 'email', strongNegativeEmotion: false }, new Set(['billing']));
    expect(plan).toMatchObject({ queueId: 'billing', rule: 'given' });
    expect(plan.attempts).toEqual([{ skills: ['billing'], language: 'en', channel: 'email', strongNegativeEmotion: false }]);
  });
});

describe('isStrongNegativeEmotion', () => {
  it('is strong from an intensity of 0.8', () => {
    expect(isStrongNegativeEmotion([{ signal: 'negative-emotion', weight: 0.85 }])).toBe(true);
    expect(isStrongNegativeEmotion([{ signal: 'negative-emotion', weight: 0.6 }])).toBe(false);
    expect(isStrongNegativeEmotion([{ signal: 'security', weight: 1 }])).toBe(false);
  });
});
