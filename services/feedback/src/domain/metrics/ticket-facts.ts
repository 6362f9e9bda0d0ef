import { SlaClock, TicketPriority } from './feedback-input.events';
import { LedgerEntry, sortedEntries, TicketLedger } from './ticket-ledger.projection';

const MINUTE_MS = 60_000;

export interface ClockFacts {
  /** Deadline: the one a breach reported, else the latest one triage announced; null if none known. */
  readonly dueAtMs: number | null;
  readonly breached: boolean;
  /** When the clock stopped (first agent reply / final resolution); null while it runs. */
  readonly stoppedAtMs: number | null;
}

export interface SurveyFacts {
  readonly surveyId: string;
  readonly atMs: number;
  readonly csat: number | null;
  readonly nps: number | null;
}

/** Everything the metrics need about one ticket, derived deterministically from its ledger. */
export interface TicketFacts {
  readonly tenantId: string;
  readonly ticketId: string;
  /** null until ticket.created has arrived (a survey or auto-answer may arrive first). */
  readonly createdAtMs: number | null;
  readonly channel: string | null;
  /** Current priority: the latest of created, classified and corrected. */
  readonly priority: TicketPriority | null;
  /** The queue it last moved to (created, routed, assigned or corrected). */
  readonly queue: string | null;
  /** Latest assignee, else the agent of the latest public agent reply. */
  readonly agentId: string | null;
  readonly classified: boolean;
  /** At least one correction that actually changed the priority. */
  readonly priorityCorrected: boolean;
  /** First public reply by a person (internal notes and automated answers excluded). */
  readonly firstResponse: {
    readonly atMs: number;
    readonly wallMinutes: number | null;
    readonly businessMinutes: number | null;
  } | null;
  /** Public replies by people, in total and up to the first resolution. */
  readonly agentReplies: number;
  readonly agentRepliesBeforeFirstResolution: number;
  readonly firstResolvedAtMs: number | null;
  /** First reopening after the first resolution. */
  readonly reopenedAfterFirstResolutionAtMs: number | null;
  /** Set only while the ticket is resolved (its last resolve/reopen was a resolve). */
  readonly resolution: {
    readonly atMs: number;
    readonly wallMinutes: number | null;
    readonly businessMinutes: number | null;
  } | null;
  readonly sla: Readonly<Record<SlaClock, ClockFacts>>;
  /** First self-service answer (auto-answer.proposed or an automated public reply). */
  readonly autoAnsweredAtMs: number | null;
  /** One per survey id; the earliest completion wins if a survey was reported twice. */
  readonly surveys: readonly SurveyFacts[];
}

type EntryOf<K extends LedgerEntry['kind']> = Extract<LedgerEntry, { kind: K }>;

export function deriveTicketFacts(ledger: TicketLedger): TicketFacts {
  const entries = sortedEntries(ledger).map(({ entry }) => entry);
  const only = <K extends LedgerEntry['kind']>(kind: K): EntryOf<K>[] =>
    entries.filter((entry): entry is EntryOf<K> => entry.kind === kind);

  const created = only('created')[0] ?? null;
  const createdAtMs = created?.atMs ?? null;

  let priority: TicketPriority | null = null;
  for (const entry of entries) {
    if (entry.kind === 'created' || entry.kind === 'classified') priority = entry.priority;
    else if (entry.kind === 'priority-corrected') priority = entry.to;
  }

  // The queue moves with routing, assignment and corrections; the latest move wins.
  let queue: string | null = null;
  for (const entry of entries) {
    if (entry.kind === 'created' || entry.kind === 'routed' || entry.kind === 'assigned')
      queue = entry.queue ?? queue;
    else if (entry.kind === 'priority-corrected') queue = entry.queueTo ?? queue;
  }
  const lastAssignment = only('assigned').at(-1);
  const publicReplies = only('replied').filter((reply) => !reply.internal);
  const agentReplies = publicReplies.filter((reply) => !reply.automated);
  const firstAgentReply = agentReplies[0];
  const lastAgentWithReply = agentReplies.filter((reply) => reply.agentId !== null).at(-1)?.agentId ?? null;

  const firstResponse =
    firstAgentReply === undefined
      ? null
      : {
          atMs: firstAgentReply.atMs,
          wallMinutes:
            firstAgentReply.wallMinutes ??
            (createdAtMs === null ? null : Math.max(0, (firstAgentReply.atMs - createdAtMs) / MINUTE_MS)),
          businessMinutes: firstAgentReply.businessMinutes,
        };

  const timeline = entries.filter(
    (entry): entry is EntryOf<'resolved'> | EntryOf<'reopened'> =>
      entry.kind === 'resolved' || entry.kind === 'reopened',
  );
  const firstResolution =
    timeline.find((entry): entry is EntryOf<'resolved'> => entry.kind === 'resolved') ?? null;
  const reopenAfterFirst =
    firstResolution === null
      ? undefined
      : timeline.slice(timeline.indexOf(firstResolution)).find((entry) => entry.kind === 'reopened');
  const last = timeline.at(-1);
  const finalResolution = last?.kind === 'resolved' ? last : null;
  const resolution =
    finalResolution === null
      ? null
      : {
          atMs: finalResolution.atMs,
          // Time spent waiting on the customer is not the team's: it comes off the wall-clock figure.
          wallMinutes: wallMinutesWithoutPause(finalResolution, createdAtMs),
          businessMinutes: finalResolution.businessMinutes,
        };

  const automatedReply = publicReplies.find((reply) => reply.automated);
  const autoAnswer = only('auto-answered')[0];
  const autoAnsweredAtMs = minOrNull(automatedReply?.atMs, autoAnswer?.atMs);

  const surveys = new Map<string, SurveyFacts>();
  for (const survey of only('survey-completed')) {
    if (!surveys.has(survey.surveyId))
      surveys.set(survey.surveyId, {
        surveyId: survey.surveyId,
        atMs: survey.atMs,
        csat: survey.csat,
        nps: survey.nps,
      });
  }

  return {
    tenantId: ledger.tenantId,
    ticketId: ledger.ticketId,
    createdAtMs,
    channel: created?.channel ?? null,
    priority,
    queue,
    agentId: lastAssignment?.agentId ?? lastAgentWithReply,
    classified: only('classified').length > 0,
    priorityCorrected: only('priority-corrected').some((correction) => correction.from !== correction.to),
    firstResponse,
    agentReplies: agentReplies.length,
    agentRepliesBeforeFirstResolution:
      firstResolution === null
        ? 0
        : agentReplies.filter((reply) => reply.atMs <= firstResolution.atMs).length,
    firstResolvedAtMs: firstResolution?.atMs ?? null,
    reopenedAfterFirstResolutionAtMs: reopenAfterFirst?.atMs ?? null,
    resolution,
    sla: {
      firstResponse: clockFacts(entries, 'firstResponse', firstResponse?.atMs ?? null),
      resolution: clockFacts(entries, 'resolution', resolution?.atMs ?? null),
    },
    autoAnsweredAtMs,
    surveys: [...surveys.values()],
  };
}

export function deriveAllTicketFacts(ledgers: Iterable<TicketLedger>): TicketFacts[] {
  return [...ledgers].map(deriveTicketFacts);
}

function clockFacts(
  entries: readonly LedgerEntry[],
  clock: SlaClock,
  stoppedAtMs: number | null,
): ClockFacts {
  const breach = entries.find(
    (entry): entry is EntryOf<'sla-breached'> => entry.kind === 'sla-breached' && entry.clock === clock,
  );
  let announced: number | null = null;
  for (const entry of entries) {
    if ((entry.kind === 'created' || entry.kind === 'classified') && entry.sla !== null) {
      const due = clock === 'firstResponse' ? entry.sla.firstResponseDueAtMs : entry.sla.resolutionDueAtMs;
      if (due !== null) announced = due;
    }
  }
  return { dueAtMs: breach?.dueAtMs ?? announced, breached: breach !== undefined, stoppedAtMs };
}

function wallMinutesWithoutPause(resolution: EntryOf<'resolved'>, createdAtMs: number | null): number | null {
  const sinceCreated =
    resolution.wallMinutes ?? (createdAtMs === null ? null : (resolution.atMs - createdAtMs) / MINUTE_MS);
  return sinceCreated === null ? null : Math.max(0, sinceCreated - (resolution.pausedMinutes ?? 0));
}

function minOrNull(...values: (number | undefined)[]): number | null {
  const present = values.filter((value): value is number => value !== undefined);
  return present.length === 0 ? null : Math.min(...present);
}
