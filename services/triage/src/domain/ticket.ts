import type { Channel, CustomerTier, Language, Priority, TicketStatus } from '@helpdesk/contracts';
import type { AgentRequirements } from './routing';
import type { TicketSlaState } from './sla';

/** The api.md classification of a ticket: priority on the urgent × important matrix, with its reasons. */
export interface TicketClassification {
  priority: Priority;
  urgent: boolean;
  important: boolean;
  category: string;
  confidence: number;
  reasons: Array<{
    signal: string;
    weight: number;
    evidence: string;
    span?: { field: 'subject' | 'body'; start: number; end: number };
  }>;
  modelVersion: string;
  /** Signals seen but switched off by negation or hedging ("不急"), shown so an agent can check the call. */
  suppressed?: Array<{ signal: string; evidence: string; by: 'negation' | 'hedge'; cue?: string }>;
}

/** Who set the current priority: a later automatic classification never overrides a person or an escalation. */
export const PRIORITY_SOURCES = ['classifier', 'override', 'escalation', 'follow-up'] as const;
export type PrioritySource = (typeof PRIORITY_SOURCES)[number];

/** What an agent needs to take the ticket, kept while it waits so capacity freed later can be matched to it. */
export interface TicketRouting {
  requirements: AgentRequirements;
  reason: string;
}

export interface Ticket {
  id: string;
  tenantId: string;
  customerId: string;
  customerTier: CustomerTier;
  conversationId: string;
  channel: Channel;
  subject: string | null;
  language: Language;
  status: TicketStatus;
  priority: Priority;
  prioritySource: PrioritySource;
  category: string | null;
  queue: string | null;
  assigneeId: string | null;
  classification: TicketClassification | null;
  sla: TicketSlaState | null;
  slaCalendarId: string | null;
  nextSlaEventAt: string | null;
  waitingSince: string | null;
  routing: TicketRouting | null;
  followUpOf: string | null;
  followUpId: string | null;
  linkedTicketId: string | null;
  autoAnsweredAt: string | null;
  resolutionCode: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
}

export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending'];

export const isOpenStatus = (status: TicketStatus): boolean => OPEN_STATUSES.includes(status);

/** A resolved ticket reopens when the customer writes again within this window; later, a new ticket opens. */
export const DEFAULT_REOPEN_WINDOW_HOURS = 7 * 24;

export type FollowUpDecision =
  { kind: 'join'; ticketId: string } | { kind: 'reopen'; ticketId: string } | { kind: 'new' };

/** What a new message of a conversation does to its tickets. */
export function decideFollowUp(
  latest: Pick<Ticket, 'id' | 'status' | 'resolvedAt'> | null,
  at: Date,
  reopenWindowHours = DEFAULT_REOPEN_WINDOW_HOURS,
): FollowUpDecision {
  if (!latest) return { kind: 'new' };
  if (OPEN_STATUSES.includes(latest.status)) return { kind: 'join', ticketId: latest.id };
  if (
    latest.status === 'resolved' &&
    latest.resolvedAt &&
    at.getTime() - Date.parse(latest.resolvedAt) <= reopenWindowHours * 3600_000
  ) {
    return { kind: 'reopen', ticketId: latest.id };
  }
  return { kind: 'new' };
}

/** A reply that is only a score ("5", "10分", "4星"): the answer to a satisfaction survey, not a new request. */
export function isBareScore(body: string): boolean {
  return /^\s*(10|[0-9])\s*(分|星|stars?|points?)?\s*[.!。！]?\s*$/i.test(body);
}
