import { TICKET_STATUSES, type TicketStatus } from '@helpdesk/contracts';
import { TICKET_ACTIONS, assertTicketAction, canTakeAction, type TicketAction } from './ticket-actions';
import { TriageErrorCode, TriageException } from './triage.exception';

function errorOf(status: TicketStatus, action: TicketAction): unknown {
  try {
    assertTicketAction(status, action);
  } catch (err) {
    return err;
  }
  return null;
}

describe('ticket actions', () => {
  it('refuses to resolve or reply to a closed ticket with an invalid-transition error', () => {
    for (const action of ['resolve', 'reply', 'assign', 'pending', 'reopen', 'note'] as const) {
      const err = errorOf('closed', action);
      expect(err).toBeInstanceOf(TriageException);
      expect((err as TriageException).code).toBe(TriageErrorCode.InvalidTransition);
    }
    expect((errorOf('closed', 'resolve') as Error).message).toBe('cannot resolve a closed ticket (allowed from: new, open, pending)');
  });

  it('a closed ticket accepts nothing at all', () => {
    expect(TICKET_ACTIONS.filter((a) => canTakeAction('closed', a))).toEqual([]);
  });

  it('resolves active tickets once, then only reopens, closes, annotates or corrects', () => {
    for (const status of ['new', 'open', 'pending'] as const) expect(canTakeAction(status, 'resolve')).toBe(true);
    expect(TICKET_ACTIONS.filter((a) => canTakeAction('resolved', a))).toEqual(['note', 'reopen', 'close', 'correct']);
  });

  it('pauses only an active, not yet pending ticket, and resumes only a pending one', () => {
    expect(TICKET_STATUSES.filter((s) => canTakeAction(s, 'pending'))).toEqual(['new', 'open']);
    expect(TICKET_STATUSES.filter((s) => canTakeAction(s, 'resume'))).toEqual(['pending']);
  });

  it('answers automatically only before a ticket waits on the customer', () => {
    expect(TICKET_STATUSES.filter((s) => canTakeAction(s, 'auto-answer'))).toEqual(['new', 'open']);
  });
});
