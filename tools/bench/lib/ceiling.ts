import type { ProcessUsage, WindowUsage } from './proc-sampler';
import { round } from './stats';

/** What the ceiling needs of a load phase. */
export interface CeilingPhase {
  readonly name: string;
  readonly mode: 'warm-up' | 'fixed-rate' | 'max';
  readonly accepted: number;
  readonly endToEndPerSecond: number | null;
  readonly usage: WindowUsage;
}

export const LOAD_GENERATOR = 'bench (load generator)';
export const BROKER = 'kafka (broker)';
export const DATABASE = 'postgres (all backends)';
const INFRASTRUCTURE = new Set([BROKER, DATABASE]);

export interface Ceiling {
  cores: number;
  /** The phase that carried the most: at saturation no idle cost is spread over few messages. */
  phase: string;
  acceptedMessages: number;
  /** CPU ms per accepted message of the services, broker and database together. */
  cpuMsPerMessage: number;
  /** What the cores could carry at that cost with nothing else running. */
  messagesPerSecond: number;
  infrastructureCpuMsPerMessage: number;
  /** What the cores could carry if the four services cost nothing: the broker's and database's share alone. */
  infrastructureOnlyMessagesPerSecond: number;
}

/** CPU ms per accepted message of the sampled processes, the load generator left out. */
export function cpuMsPerMessage(processes: readonly ProcessUsage[], accepted: number): number {
  const ours = processes.filter((u) => u.name !== LOAD_GENERATOR);
  return (ours.reduce((t, u) => t + (u.cpuSeconds ?? 0), 0) * 1000) / accepted;
}

/**
 * The throughput this machine's cores allow at the CPU each message cost in the phase that carried the
 * most. Separating the broker and the database shows how far any change to the services alone can go.
 */
export function ceilingOf(phases: readonly CeilingPhase[], cores: number): Ceiling | null {
  const best = phases
    .filter((p) => p.mode !== 'warm-up' && p.endToEndPerSecond !== null && p.accepted > 0)
    .reduce<CeilingPhase | null>((b, p) => (b === null || (p.endToEndPerSecond ?? 0) > (b.endToEndPerSecond ?? 0) ? p : b), null);
  if (!best) return null;
  const accepted = best.accepted;
  const all = cpuMsPerMessage(best.usage.processes, accepted);
  const infra = cpuMsPerMessage(best.usage.processes.filter((u) => INFRASTRUCTURE.has(u.name)), accepted);
  // The broker and database are part of everything: without them sampled there is no ceiling to give.
  if (infra <= 0) return null;
  return {
    cores,
    phase: best.name,
    acceptedMessages: accepted,
    cpuMsPerMessage: round(all, 2),
    messagesPerSecond: Math.round((cores * 1000) / all),
    infrastructureCpuMsPerMessage: round(infra, 2),
    infrastructureOnlyMessagesPerSecond: Math.round((cores * 1000) / infra),
  };
}

