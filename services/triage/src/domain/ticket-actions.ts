import type { TicketStatus } from '@helpdesk/contracts';
import { TriageErrorCode, TriageException } from './triage.exception';

/** Everything a person or the system can do to a ticket, each allowed from some statuses only. */
export const TICKET_ACTIONS = [
  'reply',
  'note',
  'assign',
  'resolve',
  'reopen',
  'resume',
  'pending',
  'close',
  'correct',
  'auto-answer',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

const ALLOWED_FROM: Record<TicketAction, readonly TicketStatus[]> = {
  // A public reply reaches the customer: a resolved ticket is reopened first, a closed one never answered again.
  reply: ['new', 'open', 'pending'],
  note: ['new', 'open', 'pending', 'resolved'],
  assign: ['new', 'open', 'pending'],
  resolve: ['new', 'open', 'pending'],
  reopen: ['resolved'],
  resume: ['pending'],
  pending: ['new', 'open'],
  close: ['resolved'],
  correct: ['new', 'open', 'pending', 'resolved'],
  'auto-answer': ['new', 'open'],
};

const DESCRIPTION: Record<TicketAction, string> = {
  reply: 'reply to',
  note: 'add a note to',
  assign: 'assign',
  resolve: 'resolve',
  reopen: 'reopen',
  resume: 'take off pending',
  pending: 'set pending',
  close: 'close',
  correct: 'correct',
  'auto-answer': 'answer automatically',
};

export function canTakeAction(status: TicketStatus, action: TicketAction): boolean {
  return ALLOWED_FROM[action].includes(status);
}

/** Throws TriageException(InvalidTransition), which the API answers with 409. */
export function assertTicketAction(status: TicketStatus, action: TicketAction): void {
  if (canTakeAction(status, action)) return;
  throw new TriageException(
    TriageErrorCode.InvalidTransition,
    `cannot ${DESCRIPTION[action]} a ${status} ticket (allowed from: ${ALLOWED_FROM[action].join(', ')})`,
  );
}
