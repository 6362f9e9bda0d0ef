/**
 * The drill's ledger: every message the system accepted (202) must end up in exactly one ticket,
 * exactly once. Pure, so the rule itself is unit-tested.
 */

export interface AcceptedMessage {
  messageId: string;
  conversationId: string;
  customerId: string;
  followUp: boolean;
  /** Which part of the drill sent it (steady load, hostile input). */
  source: string;
  acceptedAt: number;
}

export interface TicketSnapshot {
  id: string;
  conversationId: string;
  customerId: string;
  /** Inbound message ids in the ticket's message list, as the API returned them (repeats kept). */
  messageIds: string[];
}

export interface Accounting {
  accepted: number;
  tickets: number;
  inExactlyOneTicket: number;
  /** Accepted but in no ticket. */
  lost: string[];
  /** In more than one ticket, or listed twice in one. */
  duplicated: Array<{ messageId: string; tickets: string[] }>;
  /** Conversations of accepted messages that got more than one ticket. */
  conversationsWithSeveralTickets: Array<{ conversationId: string; tickets: string[] }>;
  /** Messages in the tenant's tickets that no 202 told us about (e.g. a request that timed out after being stored). */
  notAcceptedButTicketed: string[];
}

export function account(accepted: readonly AcceptedMessage[], tickets: readonly TicketSnapshot[]): Accounting {
  const placements = new Map<string, string[]>();
  const ticketsByConversation = new Map<string, Set<string>>();
  for (const t of tickets) {
    for (const m of t.messageIds) placements.set(m, [...(placements.get(m) ?? []), t.id]);
    const set = ticketsByConversation.get(t.conversationId) ?? new Set<string>();
    set.add(t.id);
    ticketsByConversation.set(t.conversationId, set);
  }
  const acceptedIds = new Set(accepted.map((a) => a.messageId));
  const lost: string[] = [];
  const duplicated: Accounting['duplicated'] = [];
  let exactlyOne = 0;
  for (const id of acceptedIds) {
    const where = placements.get(id) ?? [];
    if (where.length === 0) lost.push(id);
    else if (where.length > 1) duplicated.push({ messageId: id, tickets: where });
    else exactlyOne++;
  }
  const conversations = new Set(accepted.map((a) => a.conversationId));
  const conversationsWithSeveralTickets = [...conversations]
    .map((c) => ({ conversationId: c, tickets: [...(ticketsByConversation.get(c) ?? [])] }))
    .filter((c) => c.tickets.length > 1);
  const notAcceptedButTicketed = [...placements.keys()].filter((m) => !acceptedIds.has(m));
  return {
    accepted: acceptedIds.size,
    tickets: tickets.length,
    inExactlyOneTicket: exactlyOne,
    lost,
    duplicated,
    conversationsWithSeveralTickets,
    notAcceptedButTicketed,
  };
}
