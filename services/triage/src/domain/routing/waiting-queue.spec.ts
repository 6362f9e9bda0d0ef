import { compareWaitingTickets, nextTicketForAgent, type WaitingTicket } from './waiting-queue';
import type { Agent } from './routing.types';

const waiting = (
  ticketId: string,
  priority: WaitingTicket['priority'],
  since: string,
  skills: string[] = ['billing'],
): WaitingTicket => ({
  ticketId,
  priority,
  waitingSince: new Date(since),
  requirements: { skills, language: 'zh' },
});

const agent: Agent = {
  id: 'a1',
  name: 'Han Meimei',
  skills: [{ skill: 'billing', level: 3 }],
  languages: ['zh'],
  channels: ['web'],
  maxConcurrent: 3,
  status: 'online',
  activeCount: 2,
};

describe('compareWaitingTickets', () => {
  it('orders by priority, then oldest first, then id', () => {
    const tickets = [
      waiting('t-p3-old', 'P3', '2026-09-24T01:00:00Z'),
      waiting('t-p1-new', 'P1', '2026-09-24T05:00:00Z'),
      waiting('t-p2', 'P2', '2026-09-24T02:00:00Z'),
      waiting('t-p1-old', 'P1', '2026-09-24T03:00:00Z'),
      waiting('t-p1-old-b', 'P1', '2026-09-24T03:00:00Z'),
      waiting('t-bad-date', 'P1', 'not a date'),
    ];
    expect([...tickets].sort(compareWaitingTickets).map((t) => t.ticketId)).toEqual([
      't-p1-old',
      't-p1-old-b',
      't-p1-new',
      't-bad-date',
      't-p2',
      't-p3-old',
    ]);
  });
});

describe('nextTicketForAgent', () => {
  it('takes the highest-priority, oldest ticket the agent is eligible for', () => {
    const queue = [
      waiting('t-p2', 'P2', '2026-09-24T01:00:00Z'),
      waiting('t-p1-tech', 'P1', '2026-09-24T00:00:00Z', ['technical']),
      waiting('t-p1', 'P1', '2026-09-24T04:00:00Z'),
    ];
    const choice = nextTicketForAgent(agent, queue);
    expect(choice?.ticketId).toBe('t-p1');
    expect(choice?.reason).toContain('1 ticket(s) ahead');
  });

  it('respects senior-only tickets', () => {
    const angry: WaitingTicket = {
      ...waiting('t-angry', 'P1', '2026-09-24T00:00:00Z'),
      requirements: { skills: ['billing'], strongNegativeEmotion: true },
    };
    expect(nextTicketForAgent(agent, [angry, waiting('t-p4', 'P4', '2026-09-24T05:00:00Z')])?.ticketId).toBe(
      't-p4',
    );
  });

  it('returns null when the agent is full, offline or eligible for nothing', () => {
    const queue = [waiting('t-p1', 'P1', '2026-09-24T04:00:00Z')];
    expect(nextTicketForAgent({ ...agent, activeCount: 3 }, queue)).toBeNull();
    expect(nextTicketForAgent({ ...agent, status: 'offline' }, queue)).toBeNull();
    expect(
      nextTicketForAgent(agent, [waiting('t-tech', 'P1', '2026-09-24T04:00:00Z', ['technical'])]),
    ).toBeNull();
    expect(nextTicketForAgent(agent, [])).toBeNull();
  });
});
