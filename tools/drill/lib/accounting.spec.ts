import { account, type AcceptedMessage, type TicketSnapshot } from './accounting';

const accepted = (messageId: string, conversationId: string, followUp = false): AcceptedMessage => ({
  messageId,
  conversationId,
  customerId: `cust-${conversationId}`,
  followUp,
  source: 'steady load',
  acceptedAt: 0,
});
const ticket = (id: string, conversationId: string, messageIds: string[]): TicketSnapshot => ({ id, conversationId, customerId: `cust-${conversationId}`, messageIds });

describe('the drill ledger', () => {
  it('passes when every accepted message, follow-ups included, is in exactly one ticket', () => {
    const result = account([accepted('m1', 'c1'), accepted('m2', 'c1', true), accepted('m3', 'c2')], [ticket('t1', 'c1', ['m1', 'm2']), ticket('t2', 'c2', ['m3'])]);
    expect(result).toMatchObject({ accepted: 3, tickets: 2, inExactlyOneTicket: 3, lost: [], duplicated: [], conversationsWithSeveralTickets: [], notAcceptedButTicketed: [] });
  });

  it('names a message in no ticket as lost', () => {
    const result = account([accepted('m1', 'c1'), accepted('m2', 'c2')], [ticket('t1', 'c1', ['m1'])]);
    expect(result.lost).toEqual(['m2']);
    expect(result.inExactlyOneTicket).toBe(1);
  });

  it('names a message in two tickets, or twice in one, as duplicated, and the conversation with two tickets', () => {
    const result = account(
      [accepted('m1', 'c1'), accepted('m2', 'c2')],
      [ticket('t1', 'c1', ['m1']), ticket('t2', 'c1', ['m1']), ticket('t3', 'c2', ['m2', 'm2'])],
    );
    expect(result.duplicated).toEqual([
      { messageId: 'm1', tickets: ['t1', 't2'] },
      { messageId: 'm2', tickets: ['t3', 't3'] },
    ]);
    expect(result.conversationsWithSeveralTickets).toEqual([{ conversationId: 'c1', tickets: ['t1', 't2'] }]);
    expect(result.inExactlyOneTicket).toBe(0);
  });

  it('counts a message accepted twice (an idempotent replay) once', () => {
    const result = account([accepted('m1', 'c1'), accepted('m1', 'c1')], [ticket('t1', 'c1', ['m1'])]);
    expect(result.accepted).toBe(1);
    expect(result.inExactlyOneTicket).toBe(1);
  });

  it('lists ticketed messages no 202 told about separately, without failing them', () => {
    const result = account([accepted('m1', 'c1')], [ticket('t1', 'c1', ['m1', 'm9'])]);
    expect(result.notAcceptedButTicketed).toEqual(['m9']);
    expect(result.lost).toEqual([]);
  });
});
