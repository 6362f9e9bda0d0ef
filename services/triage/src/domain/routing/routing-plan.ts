import type { TicketPriority } from '../sla/priority';
import { chooseQueue, findSupervisorQueue, type CustomerTier, type QueueRule } from './choose-queue';
import { SENIOR_LEVEL, type AgentRequirements, type Queue } from './routing.types';

export const DEFAULT_QUEUE_ID = 'general';
export const SUPERVISOR_QUEUE_ID = 'supervisor';
export const COMPLAINTS_QUEUE_ID = 'complaints';

/**
 * Queues every tenant has even before configuring any: a default queue, the supervisor queue breaches
 * escalate to, and the complaints queue follow-ups land in. None needs a skill, so nothing strands.
 */
export const BUILT_IN_QUEUES: readonly Queue[] = [
  { id: DEFAULT_QUEUE_ID, name: 'General', skills: [], isDefault: true },
  { id: SUPERVISOR_QUEUE_ID, name: 'Supervisors', skills: [], supervisor: true },
  { id: COMPLAINTS_QUEUE_ID, name: 'Complaints', skills: [] },
];

/** The tenant's queues plus each built-in role it has not configured itself. */
export function effectiveQueues(configured: readonly Queue[]): Queue[] {
  const queues = [...configured];
  const has = (id: string): boolean => queues.some((q) => q.id === id);
  if (!configured.some((q) => q.isDefault === true) && !has(DEFAULT_QUEUE_ID))
    queues.push(builtIn(DEFAULT_QUEUE_ID));
  if (!findSupervisorQueue(configured) && !has(SUPERVISOR_QUEUE_ID))
    queues.push(builtIn(SUPERVISOR_QUEUE_ID));
  if (!has(COMPLAINTS_QUEUE_ID)) queues.push(builtIn(COMPLAINTS_QUEUE_ID));
  return queues;
}

function builtIn(id: string): Queue {
  const queue = BUILT_IN_QUEUES.find((q) => q.id === id);
  if (!queue) throw new Error(`no built-in queue ${id}`);
  return queue;
}

export interface RoutingInput {
  category: string | null;
  customerTier: CustomerTier;
  priority: TicketPriority;
  /** 'other' or null: any language. */
  language: string | null;
  channel: string | null;
  strongNegativeEmotion: boolean;
  /** Queue predicted by the tenant's learned queue model, when it is confident. */
  learnedQueue?: string | null;
}

export type RoutingRule = QueueRule | 'learned' | 'given';

export interface RoutingPlan {
  queueId: string;
  rule: RoutingRule;
  reason: string;
  /** Requirements to try now, strictest first (the category's specialist before anyone in the queue). */
  attempts: AgentRequirements[];
  /** What the ticket waits with when nobody qualifies now: the most relaxed attempt. */
  waitWith: AgentRequirements;
}

/**
 * Where a new ticket goes: VIP customers to a VIP queue, a learned queue when the model is confident,
 * else the queue with the category's skill, else the default queue. P1 tickets and strong negative
 * emotion need a senior agent (level ≥ 4); the category's specialist is preferred when one exists.
 */
export function planRouting(
  input: RoutingInput,
  configured: readonly Queue[],
  knownSkills: ReadonlySet<string>,
): RoutingPlan {
  const queues = effectiveQueues(configured);
  const decision = chooseQueue({ category: input.category, customerTier: input.customerTier }, queues);
  const learned = input.learnedQueue
    ? queues.find((q) => q.id === input.learnedQueue && q.supervisor !== true && q.vip !== true)
    : undefined;
  if (learned && decision.rule !== 'vip') {
    return planForQueue(
      learned,
      input,
      knownSkills,
      'learned',
      `learned queue model → queue "${learned.name}"`,
      decision.categorySkill,
    );
  }
  const queue = queues.find((q) => q.id === decision.queueId) ?? builtIn(DEFAULT_QUEUE_ID);
  return planForQueue(queue, input, knownSkills, decision.rule, decision.reason, decision.categorySkill);
}

/** Routing inside a given queue (escalation, follow-up, a person's override). */
export function planForQueue(
  queue: Queue,
  input: Omit<RoutingInput, 'category' | 'customerTier' | 'learnedQueue'>,
  knownSkills: ReadonlySet<string>,
  rule: RoutingRule = 'given',
  reason = `queue "${queue.name}"`,
  categorySkill: string | null = null,
): RoutingPlan {
  const base: AgentRequirements = {
    skills: [...new Set(queue.skills)],
    ...(input.priority === 'P1' ? { minLevel: SENIOR_LEVEL } : {}),
    language: input.language && input.language !== 'other' ? input.language : null,
    channel: input.channel,
    strongNegativeEmotion: input.strongNegativeEmotion,
  };
  const attempts: AgentRequirements[] = [];
  const specialist =
    categorySkill !== null &&
    knownSkills.has(categorySkill.toLowerCase()) &&
    !base.skills.includes(categorySkill);
  if (specialist) attempts.push({ ...base, skills: [...base.skills, categorySkill] });
  attempts.push(base);
  const why = [
    reason,
    ...(specialist ? [`prefers skill "${categorySkill}"`] : []),
    ...(input.priority === 'P1' ? ['P1 → senior agent'] : []),
    ...(input.strongNegativeEmotion ? ['strong negative emotion → senior agent'] : []),
  ].join('; ');
  return { queueId: queue.id, rule, reason: why, attempts, waitWith: base };
}

/** The queue breached tickets move to. */
export function supervisorQueue(configured: readonly Queue[]): Queue {
  return findSupervisorQueue(effectiveQueues(configured)) ?? builtIn(SUPERVISOR_QUEUE_ID);
}

export function queueById(configured: readonly Queue[], id: string): Queue | null {
  return effectiveQueues(configured).find((q) => q.id === id) ?? null;
}

/** Strong enough anger to call for a senior agent: the detector's intensity from 0.8 up. */
export const STRONG_NEGATIVE_EMOTION = 0.8;

export function isStrongNegativeEmotion(reasons: ReadonlyArray<{ signal: string; weight: number }>): boolean {
  return reasons.some((r) => r.signal === 'negative-emotion' && r.weight >= STRONG_NEGATIVE_EMOTION);
}
