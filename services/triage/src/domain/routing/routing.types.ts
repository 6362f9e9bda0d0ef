export interface Queue {
  id: string;
  name: string;
  /** Skills an agent needs to work this queue. */
  skills: readonly string[];
  vip?: boolean;
  supervisor?: boolean;
  /** The fallback queue when nothing more specific matches. */
  isDefault?: boolean;
}

export const AGENT_STATUSES = ['online', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface AgentSkill {
  skill: string;
  /** 1 (novice) … 5 (expert); 4 and above is senior. */
  level: number;
}

export interface Agent {
  id: string;
  name: string;
  skills: readonly AgentSkill[];
  languages: readonly string[];
  channels: readonly string[];
  maxConcurrent: number;
  status: AgentStatus;
  /** Tickets currently assigned and open. */
  activeCount: number;
}

/** What a ticket needs from the agent who takes it. */
export interface AgentRequirements {
  /** Every listed skill at `minLevel` or above; empty means no skill needed. */
  skills: readonly string[];
  minLevel?: number;
  /** null/undefined: any language. */
  language?: string | null;
  /** null/undefined: any channel. */
  channel?: string | null;
  /** Strong negative emotion raises the minimum level to SENIOR_LEVEL. */
  strongNegativeEmotion?: boolean;
}

export const SENIOR_LEVEL = 4;
