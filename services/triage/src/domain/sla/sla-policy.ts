import { isTicketPriority, TICKET_PRIORITIES, type TicketPriority } from './priority';
import { SlaException } from './sla.exception';

export const SLA_METRICS = ['firstResponse', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** Targets for one priority. `businessHours` false means around the clock (wall time). */
export interface SlaTarget {
  firstResponseMinutes: number;
  resolutionMinutes: number;
  businessHours: boolean;
}

/** Serialisable per-tenant policy, as stored and exchanged on /v1/sla-policies. */
export interface SlaPolicy {
  id: string;
  name: string;
  targets: Record<TicketPriority, SlaTarget>;
  /** Fraction of a target after which a warning is due, in (0, 1). */
  warningFraction: number;
}

export const DEFAULT_WARNING_FRACTION = 0.8;

/** One business day of the default calendar (09:00–12:00 + 13:30–18:00). */
const DEFAULT_BUSINESS_DAY_MINUTES = 450;

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  id: 'default',
  name: 'Default',
  targets: {
    P1: { firstResponseMinutes: 30, resolutionMinutes: 4 * 60, businessHours: false },
    P2: { firstResponseMinutes: 2 * 60, resolutionMinutes: 24 * 60, businessHours: false },
    P3: {
      firstResponseMinutes: 8 * 60,
      resolutionMinutes: 3 * DEFAULT_BUSINESS_DAY_MINUTES,
      businessHours: true,
    },
    P4: {
      firstResponseMinutes: 24 * 60,
      resolutionMinutes: 5 * DEFAULT_BUSINESS_DAY_MINUTES,
      businessHours: true,
    },
  },
  warningFraction: DEFAULT_WARNING_FRACTION,
};

/** Target of one metric for one priority under a policy. */
export function slaTargetMinutes(policy: SlaPolicy, priority: TicketPriority, metric: SlaMetric): number {
  const target = policy.targets[priority];
  return metric === 'firstResponse' ? target.firstResponseMinutes : target.resolutionMinutes;
}

/** Checks an untrusted policy (API body, database row); throws SlaException('INVALID_POLICY'). */
export function parseSlaPolicy(input: unknown): SlaPolicy {
  const fail = (why: string): never => {
    throw new SlaException('INVALID_POLICY', `invalid SLA policy: ${why}`);
  };
  if (!isRecord(input)) return fail('not an object');
  const { id, name, targets, warningFraction = DEFAULT_WARNING_FRACTION } = input;
  if (typeof id !== 'string' || id.length === 0) fail('id must be a non-empty string');
  if (typeof name !== 'string') fail('name must be a string');
  if (typeof warningFraction !== 'number' || !(warningFraction > 0 && warningFraction < 1)) {
    fail('warningFraction must be a number strictly between 0 and 1');
  }
  if (!isRecord(targets)) return fail('targets must be an object keyed by priority');
  const unknownKey = Object.keys(targets).find((key) => !isTicketPriority(key));
  if (unknownKey !== undefined) fail(`unknown priority ${unknownKey}`);
  const parsed = {} as Record<TicketPriority, SlaTarget>;
  for (const priority of TICKET_PRIORITIES) {
    const target = targets[priority];
    if (!isRecord(target)) return fail(`missing targets for ${priority}`);
    const { firstResponseMinutes, resolutionMinutes, businessHours } = target;
    if (!isPositiveMinutes(firstResponseMinutes))
      return fail(`${priority}.firstResponseMinutes must be a positive number`);
    if (!isPositiveMinutes(resolutionMinutes))
      return fail(`${priority}.resolutionMinutes must be a positive number`);
    if (typeof businessHours !== 'boolean') return fail(`${priority}.businessHours must be a boolean`);
    parsed[priority] = { firstResponseMinutes, resolutionMinutes, businessHours };
  }
  return {
    id: id as string,
    name: name as string,
    targets: parsed,
    warningFraction: warningFraction as number,
  };
}

function isPositiveMinutes(value: unknown): value is number {
  // Ten years is far beyond any real SLA and keeps instant arithmetic well inside Date's range.
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 10 * 366 * 24 * 60;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
