import { decideFollowUp, isBareScore } from './ticket';

describe('decideFollowUp', () => {
  const at = new Date('2026-11-23T10:00:00Z');
  it('opens a ticket for a new conversation', () => {
    expect(decideFollowUp(null, at)).toEqual({ kind: 'new' });
  });
  it('joins the open or pending ticket', () => {
    expect(decideFollowUp({ id: 't1', status: 'pending', resolvedAt: null }, at)).toEqual({
      kind: 'join',
      ticketId: 't1',
    });
  });
  it('reopens a recently resolved ticket, opens a new one after the window', () => {
    expect(decideFollowUp({ id: 't1', status: 'resolved', resolvedAt: '2026-11-22T10:00:00Z' }, at)).toEqual({
      kind: 'reopen',
      ticketId: 't1',
    });
    expect(decideFollowUp({ id: 't1', status: 'resolved', resolvedAt: '2026-11-01T10:00:00Z' }, at)).toEqual({
      kind: 'new',
    });
    expect(decideFollowUp({ id: 't1', status: 'closed', resolvedAt: '2026-11-23T09:00:00Z' }, at)).toEqual({
      kind: 'new',
    });
  });
});

describe('isBareScore', () => {
  it('recognises a survey score typed into the conversation', () => {
    for (const reply of ['5', ' 10 ', '4分', '3星', '5!', '9 points']) expect(isBareScore(reply)).toBe(true);
  });
  it('does not take a request that mentions a number for a score', () => {
    for (const reply of ['订单5还没到', '11', '5 orders are missing', ''])
      expect(isBareScore(reply)).toBe(false);
  });
});
