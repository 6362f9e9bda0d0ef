import {
  METRICS_INPUT_EVENT_TYPES,
  MetricsInputEvent,
  MetricsInputEventType,
  SlaClock,
  TICKET_PRIORITIES,
  TicketPriority,
} from './feedback-input.events';

/**
 * The read model keeps, per ticket, the facts of every event it has seen keyed by event id.
 * Adding an entry is idempotent (same id → no change) and commutative (the set is the same in
 * any arrival order), so replays, duplicates and interleaving across topics — survey answers
 * and auto-answers travel on other topics than ticket events — cannot change the figures.
 * Everything order-dependent (first reply, final resolution, current priority) is derived
 * afterwards from the entries sorted by their own timestamps.
 */
export interface TicketLedger {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly entries: Readonly<Record<string, LedgerEntry>>;
}

export interface SlaDue {
  readonly firstResponseDueAtMs: number | null;
  readonly resolutionDueAtMs: number | null;
}

/** One event reduced to what the metrics need; `atMs` is when it happened (epoch milliseconds). */
export type LedgerEntry =
  | {
      readonly kind: 'created';
      readonly atMs: number;
      readonly channel: string;
      readonly priority: TicketPriority;
      readonly queue: string | null;
      readonly sla: SlaDue | null;
    }
  | {
      readonly kind: 'classified';
      readonly atMs: number;
      readonly priority: TicketPriority;
      readonly sla: SlaDue | null;
    }
  | { readonly kind: 'routed'; readonly atMs: number; readonly queue: string }
  | {
      readonly kind: 'assigned';
      readonly atMs: number;
      readonly agentId: string;
      readonly queue: string | null;
    }
  | {
      readonly kind: 'replied';
      readonly atMs: number;
      readonly agentId: string | null;
      readonly internal: boolean;
      readonly automated: boolean;
      readonly businessMinutes: number | null;
      readonly wallMinutes: number | null;
    }
  | { readonly kind: 'pending'; readonly atMs: number }
  | {
      readonly kind: 'resolved';
      readonly atMs: number;
      readonly wallMinutes: number | null;
      readonly businessMinutes: number | null;
      readonly pausedMinutes: number | null;
    }
  | { readonly kind: 'reopened'; readonly atMs: number }
  | {
      readonly kind: 'priority-corrected';
      readonly atMs: number;
      readonly from: TicketPriority;
      readonly to: TicketPriority;
      readonly queueTo: string | null;
    }
  | {
      readonly kind: 'sla-breached';
      readonly atMs: number;
      readonly clock: SlaClock;
      readonly dueAtMs: number;
    }
  | { readonly kind: 'auto-answered'; readonly atMs: number; readonly articleId: string }
  | {
      readonly kind: 'survey-completed';
      readonly atMs: number;
      readonly surveyId: string;
      readonly csat: number | null;
      readonly nps: number | null;
    };

export interface ReadEvent {
  readonly eventId: string;
  readonly tenantId: string;
  readonly ticketId: string;
  readonly entry: LedgerEntry;
}

export type EventReading =
  { readonly ok: true; readonly event: ReadEvent } | { readonly ok: false; readonly reason: string };

/** Validates an event from the wire; a failure's reason is fit for the dead-letter record. */
export function readMetricsEvent(raw: unknown): EventReading {
  if (!isRecord(raw)) return invalid('event is not an object');
  const { id, type, occurredAt, tenantId, payload } = raw;
  if (!isText(id)) return invalid('id is missing');
  if (!isText(tenantId)) return invalid('tenantId is missing');
  if (typeof type !== 'string' || !(METRICS_INPUT_EVENT_TYPES as readonly string[]).includes(type))
    return invalid(`type ${String(type)} is not consumed`);
  const occurredAtMs = parseTime(occurredAt);
  if (occurredAtMs === null) return invalid('occurredAt is not an ISO-8601 time');
  if (!isRecord(payload)) return invalid('payload is not an object');
  if (!isText(payload.ticketId)) return invalid('payload.ticketId is missing');
  const entry = toEntry(type as MetricsInputEventType, payload, occurredAtMs);
  if (typeof entry === 'string') return invalid(`payload.${entry} is missing or invalid`);
  return { ok: true, event: { eventId: id, tenantId, ticketId: payload.ticketId, entry } };
}

export function emptyLedger(tenantId: string, ticketId: string): TicketLedger {
  return { tenantId, ticketId, entries: {} };
}

export function ledgerKey(tenantId: string, ticketId: string): string {
  return JSON.stringify([tenantId, ticketId]);
}

/**
 * Pure per-ticket step: returns the same ledger object when the event changes nothing
 * (already applied, unreadable, or for another ticket), so callers can skip the write.
 */
export function reduceTicketLedger(
  ledger: TicketLedger,
  event: MetricsInputEvent | Readonly<Record<string, unknown>>,
): TicketLedger {
  const reading = readMetricsEvent(event);
  if (!reading.ok) return ledger;
  const { eventId, tenantId, ticketId, entry } = reading.event;
  if (tenantId !== ledger.tenantId || ticketId !== ledger.ticketId || Object.hasOwn(ledger.entries, eventId))
    return ledger;
  return { ...ledger, entries: { ...ledger.entries, [eventId]: entry } };
}

/**
 * Folds a whole stream (a rebuild from offset zero) into ledgers keyed by ledgerKey.
 * Unreadable events are skipped here; the consumer dead-letters them before they get this far.
 */
export function foldEvents(
  events: Iterable<MetricsInputEvent | Readonly<Record<string, unknown>>>,
  initial?: ReadonlyMap<string, TicketLedger>,
): Map<string, TicketLedger> {
  // A rebuild touches every ticket many times: collect into private mutable records, publish once.
  const working = new Map<
    string,
    { tenantId: string; ticketId: string; entries: Record<string, LedgerEntry> }
  >();
  for (const [key, ledger] of initial ?? []) working.set(key, { ...ledger, entries: { ...ledger.entries } });
  for (const event of events) {
    const reading = readMetricsEvent(event);
    if (!reading.ok) continue;
    const { eventId, tenantId, ticketId, entry } = reading.event;
    const key = ledgerKey(tenantId, ticketId);
    let ledger = working.get(key);
    if (ledger === undefined) {
      ledger = { tenantId, ticketId, entries: {} };
      working.set(key, ledger);
    }
    if (!Object.hasOwn(ledger.entries, eventId)) ledger.entries[eventId] = entry;
  }
  return new Map(working);
}

const KIND_ORDER: Readonly<Record<LedgerEntry['kind'], number>> = {
  created: 0,
  classified: 1,
  'priority-corrected': 2,
  routed: 3,
  assigned: 3,
  'auto-answered': 4,
  replied: 5,
  pending: 6,
  'sla-breached': 7,
  resolved: 8,
  reopened: 9,
  'survey-completed': 10,
};

/** Entries in the order they happened: time, then a causal order for equal times, then event id. */
export function sortedEntries(
  ledger: TicketLedger,
): { readonly eventId: string; readonly entry: LedgerEntry }[] {
  return Object.entries(ledger.entries)
    .map(([eventId, entry]) => ({ eventId, entry }))
    .sort(
      (a, b) =>
        a.entry.atMs - b.entry.atMs ||
        KIND_ORDER[a.entry.kind] - KIND_ORDER[b.entry.kind] ||
        (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0),
    );
}

/** Returns the entry, or the name of the first invalid payload field. */
function toEntry(
  type: MetricsInputEventType,
  p: Record<string, unknown>,
  occurredAtMs: number,
): LedgerEntry | string {
  switch (type) {
    case 'ticket.created': {
      const atMs = parseTime(p.createdAt);
      if (atMs === null) return 'createdAt';
      if (!isText(p.channel)) return 'channel';
      if (!isPriority(p.priority)) return 'priority';
      if (!isOptionalText(p.queue)) return 'queue';
      const sla = readSla(p.sla);
      if (sla === undefined) return 'sla';
      return {
        kind: 'created',
        atMs,
        channel: p.channel,
        priority: p.priority,
        queue: isText(p.queue) ? p.queue : null,
        sla,
      };
    }
    case 'ticket.classified': {
      if (!isRecord(p.classification) || !isPriority(p.classification.priority))
        return 'classification.priority';
      const sla = readSla(p.sla);
      if (sla === undefined) return 'sla';
      return { kind: 'classified', atMs: occurredAtMs, priority: p.classification.priority, sla };
    }
    case 'ticket.routed':
      if (!isText(p.queue)) return 'queue';
      return { kind: 'routed', atMs: occurredAtMs, queue: p.queue };
    case 'ticket.assigned':
      if (!isText(p.agentId)) return 'agentId';
      if (!isOptionalText(p.queue)) return 'queue';
      return {
        kind: 'assigned',
        atMs: occurredAtMs,
        agentId: p.agentId,
        queue: isText(p.queue) ? p.queue : null,
      };
    case 'ticket.replied': {
      const atMs = parseTime(p.at);
      if (atMs === null) return 'at';
      if (typeof p.internal !== 'boolean') return 'internal';
      if (!isOptionalText(p.agentId)) return 'agentId';
      const businessMinutes = optionalMinutes(p.businessMinutesSinceCreated);
      if (businessMinutes === undefined) return 'businessMinutesSinceCreated';
      const wallMinutes = optionalMinutes(p.wallMinutesSinceCreated);
      if (wallMinutes === undefined) return 'wallMinutesSinceCreated';
      return {
        kind: 'replied',
        atMs,
        agentId: isText(p.agentId) ? p.agentId : null,
        internal: p.internal,
        automated: p.automated === true,
        businessMinutes,
        wallMinutes,
      };
    }
    case 'ticket.pending':
    case 'ticket.reopened': {
      const atMs = parseTime(p.at);
      if (atMs === null) return 'at';
      return { kind: type === 'ticket.pending' ? 'pending' : 'reopened', atMs };
    }
    case 'ticket.resolved': {
      const atMs = parseTime(p.at);
      if (atMs === null) return 'at';
      const wallMinutes = optionalMinutes(p.wallMinutesSinceCreated);
      if (wallMinutes === undefined) return 'wallMinutesSinceCreated';
      const businessMinutes = optionalMinutes(p.businessMinutesSinceCreated);
      if (businessMinutes === undefined) return 'businessMinutesSinceCreated';
      const pausedMinutes = optionalMinutes(p.pausedMinutes);
      if (pausedMinutes === undefined) return 'pausedMinutes';
      return { kind: 'resolved', atMs, wallMinutes, businessMinutes, pausedMinutes };
    }
    case 'ticket.priority-corrected':
      if (!isPriority(p.from)) return 'from';
      if (!isPriority(p.to)) return 'to';
      if (!isOptionalText(p.queueTo)) return 'queueTo';
      return {
        kind: 'priority-corrected',
        atMs: occurredAtMs,
        from: p.from,
        to: p.to,
        queueTo: isText(p.queueTo) ? p.queueTo : null,
      };
    case 'ticket.sla-breached': {
      if (p.clock !== 'firstResponse' && p.clock !== 'resolution') return 'clock';
      const dueAtMs = parseTime(p.dueAt);
      if (dueAtMs === null) return 'dueAt';
      return { kind: 'sla-breached', atMs: occurredAtMs, clock: p.clock, dueAtMs };
    }
    case 'auto-answer.proposed':
      if (!isText(p.articleId)) return 'articleId';
      return { kind: 'auto-answered', atMs: occurredAtMs, articleId: p.articleId };
    case 'survey.completed': {
      if (!isText(p.surveyId)) return 'surveyId';
      const csat = optionalScore(p.csat, 1, 5);
      if (csat === undefined) return 'csat';
      const nps = optionalScore(p.nps, 0, 10);
      if (nps === undefined) return 'nps';
      return { kind: 'survey-completed', atMs: occurredAtMs, surveyId: p.surveyId, csat, nps };
    }
  }
}

/** undefined = present but invalid; null = absent. */
function readSla(value: unknown): SlaDue | null | undefined {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) return undefined;
  const firstResponseDueAtMs =
    value.firstResponseDueAt === undefined || value.firstResponseDueAt === null
      ? null
      : parseTime(value.firstResponseDueAt);
  const resolutionDueAtMs =
    value.resolutionDueAt === undefined || value.resolutionDueAt === null
      ? null
      : parseTime(value.resolutionDueAt);
  if (
    firstResponseDueAtMs === null &&
    value.firstResponseDueAt !== undefined &&
    value.firstResponseDueAt !== null
  )
    return undefined;
  if (resolutionDueAtMs === null && value.resolutionDueAt !== undefined && value.resolutionDueAt !== null)
    return undefined;
  return { firstResponseDueAtMs, resolutionDueAtMs };
}

function optionalMinutes(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function optionalScore(value: unknown, min: number, max: number): number | null | undefined {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : undefined;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/u;

function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function isPriority(value: unknown): value is TicketPriority {
  return typeof value === 'string' && (TICKET_PRIORITIES as readonly string[]).includes(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isOptionalText(value: unknown): boolean {
  return value === undefined || value === null || isText(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(reason: string): EventReading {
  return { ok: false, reason };
}
