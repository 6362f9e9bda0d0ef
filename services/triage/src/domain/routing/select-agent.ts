import { compareIds } from './choose-queue';
import { SENIOR_LEVEL, type Agent, type AgentRequirements } from './routing.types';

/** Why an agent could not take a ticket; qualification failures are checked before availability. */
export const REJECTION_REASONS = [
  'missing-skill',
  'skill-level-too-low',
  'language-not-spoken',
  'channel-not-handled',
  'not-online',
  'at-capacity',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface AgentRejection {
  agentId: string;
  reason: RejectionReason;
}

export type AgentSelection =
  | {
      outcome: 'selected';
      agentId: string;
      /** Effective minimum level (raised to senior for strong negative emotion). */
      minLevel: number;
      reason: string;
    }
  | {
      outcome: 'no-agent';
      minLevel: number;
      /** Agents who qualify but are away, offline or full: the ticket should wait in its queue. */
      qualifiedButUnavailable: number;
      rejections: AgentRejection[];
      rejectionCounts: Record<RejectionReason, number>;
      reason: string;
    };

const REASON_TEXT: Record<RejectionReason, string> = {
  'missing-skill': 'lack the skill',
  'skill-level-too-low': 'below the skill level',
  'language-not-spoken': "don't speak the language",
  'channel-not-handled': "don't handle the channel",
  'not-online': 'are away or offline',
  'at-capacity': 'are at capacity',
};

/** Effective minimum skill level for the requirements (at least 1; senior on strong negative emotion). */
export function effectiveMinLevel(requirements: AgentRequirements): number {
  const requested = Number.isFinite(requirements.minLevel) ? Number(requirements.minLevel) : 1;
  return Math.max(1, requested, requirements.strongNegativeEmotion === true ? SENIOR_LEVEL : 1);
}

/** First reason this agent cannot take the ticket now, or null when it can. */
export function rejectionOf(agent: Agent, requirements: AgentRequirements): RejectionReason | null {
  const minLevel = effectiveMinLevel(requirements);
  for (const skill of requirements.skills) {
    const level = skillLevel(agent, skill);
    if (level === null) return 'missing-skill';
    if (level < minLevel) return 'skill-level-too-low';
  }
  // With no skill named, a seniority requirement applies to the agent's best skill.
  if (requirements.skills.length === 0 && minLevel > 1 && levelIn(agent, []) < minLevel)
    return 'skill-level-too-low';
  if (requirements.language && !includesFolded(agent.languages, requirements.language))
    return 'language-not-spoken';
  if (requirements.channel && !includesFolded(agent.channels, requirements.channel))
    return 'channel-not-handled';
  if (agent.status !== 'online') return 'not-online';
  if (freeCapacity(agent) <= 0) return 'at-capacity';
  return null;
}

/**
 * Picks the least-loaded eligible agent: lowest activeCount/maxConcurrent, then fewest active
 * tickets, then highest level in the required skills, then id, so the choice is deterministic.
 */
export function selectAgent(requirements: AgentRequirements, agents: readonly Agent[]): AgentSelection {
  const minLevel = effectiveMinLevel(requirements);
  const eligible: Agent[] = [];
  const rejections: AgentRejection[] = [];
  for (const agent of agents) {
    const reason = rejectionOf(agent, requirements);
    if (reason === null) eligible.push(agent);
    else rejections.push({ agentId: agent.id, reason });
  }

  const best = [...eligible].sort((a, b) => compareCandidates(a, b, requirements.skills))[0];
  if (best) {
    return {
      outcome: 'selected',
      agentId: best.id,
      minLevel,
      reason: describeSelection(best, requirements, minLevel, eligible.length),
    };
  }

  const rejectionCounts = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, 0])) as Record<
    RejectionReason,
    number
  >;
  for (const { reason } of rejections) rejectionCounts[reason] += 1;
  const qualifiedButUnavailable = rejectionCounts['not-online'] + rejectionCounts['at-capacity'];
  const details = REJECTION_REASONS.filter((reason) => rejectionCounts[reason] > 0)
    .map((reason) => `${rejectionCounts[reason]} ${REASON_TEXT[reason]}`)
    .join(', ');
  return {
    outcome: 'no-agent',
    minLevel,
    qualifiedButUnavailable,
    rejections,
    rejectionCounts,
    reason:
      agents.length === 0
        ? `no agent available: no agents configured (needs ${describeNeeds(requirements, minLevel)})`
        : `no agent available among ${agents.length} (needs ${describeNeeds(requirements, minLevel)}): ${details}`,
  };
}

export function compareCandidates(a: Agent, b: Agent, skills: readonly string[]): number {
  return (
    loadRatio(a) - loadRatio(b) ||
    a.activeCount - b.activeCount ||
    levelIn(b, skills) - levelIn(a, skills) ||
    compareIds(a.id, b.id)
  );
}

export function freeCapacity(agent: Agent): number {
  const max = Number.isFinite(agent.maxConcurrent) ? agent.maxConcurrent : 0;
  const active = Number.isFinite(agent.activeCount) ? Math.max(0, agent.activeCount) : max;
  return max - active;
}

function loadRatio(agent: Agent): number {
  return agent.maxConcurrent > 0 ? agent.activeCount / agent.maxConcurrent : Number.POSITIVE_INFINITY;
}

/** Lowest level across the required skills (the weakest link); with none required, the best skill's level. */
function levelIn(agent: Agent, skills: readonly string[]): number {
  if (skills.length === 0) return Math.max(0, ...agent.skills.map((s) => s.level));
  return Math.min(...skills.map((skill) => skillLevel(agent, skill) ?? 0));
}

function skillLevel(agent: Agent, skill: string): number | null {
  const wanted = skill.toLowerCase();
  const levels = agent.skills.filter((s) => s.skill.toLowerCase() === wanted).map((s) => s.level);
  return levels.length > 0 ? Math.max(...levels) : null;
}

function includesFolded(values: readonly string[], wanted: string): boolean {
  const folded = wanted.toLowerCase();
  return values.some((value) => value.toLowerCase() === folded);
}

function describeNeeds(requirements: AgentRequirements, minLevel: number): string {
  const parts: string[] = [];
  if (requirements.skills.length > 0) parts.push(`${requirements.skills.join('+')} ≥ level ${minLevel}`);
  else if (minLevel > 1) parts.push(`any skill ≥ level ${minLevel}`);
  if (requirements.language) parts.push(`language ${requirements.language}`);
  if (requirements.channel) parts.push(`channel ${requirements.channel}`);
  return parts.length > 0 ? parts.join(', ') : 'any agent';
}

function describeSelection(
  agent: Agent,
  requirements: AgentRequirements,
  minLevel: number,
  eligibleCount: number,
): string {
  const senior =
    requirements.strongNegativeEmotion === true ? '; strong negative emotion → senior agent' : '';
  return (
    `${agent.name} (${agent.id}): ${describeNeeds(requirements, minLevel)}; ` +
    `least loaded of ${eligibleCount} eligible (${agent.activeCount}/${agent.maxConcurrent} active)${senior}`
  );
}
