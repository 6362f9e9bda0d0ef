import type { EntityManager } from 'typeorm';
import type { Ticket } from '../domain/ticket';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import type { TicketRepository } from '../infrastructure/ticket.repository';

/** The ticket, row-locked for the rest of the transaction; TicketNotFound (404) for another tenant's or no ticket. */
export async function lockTicket(
  tickets: TicketRepository,
  manager: EntityManager,
  tenantId: string,
  ticketId: string,
): Promise<Ticket> {
  const ticket = await tickets.find(tenantId, ticketId, manager, true);
  if (!ticket) throw new TriageException(TriageErrorCode.TicketNotFound, `ticket ${ticketId} not found`);
  return ticket;
}
