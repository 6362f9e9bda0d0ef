import { Injectable } from '@nestjs/common';
import { isTransientDatabaseError } from '@helpdesk/persistence';
import { takeDueTicketSlaEvents } from '../domain/sla';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { TransactionRunner, isRetryableTransactionError } from '../infrastructure/transaction-runner';
import { TicketSlaService } from './ticket-sla.service';

/** A ticket whose clocks cannot be processed is looked at again this much later, not in a tight loop. */
const POSTPONE_MINUTES = 5;

export interface DueSlaOutcome {
  ticketId: string;
  /** Set when the ticket could not be processed and was postponed. */
  error?: string;
}

/**
 * One scheduler step: claims the ticket whose SLA event is due soonest (`FOR UPDATE SKIP LOCKED`, so
 * replicas share the work without waiting on each other), marks the due warnings/breaches emitted and
 * writes them to the outbox in the same transaction. A replica killed midway commits nothing; the next
 * one finds the ticket still due — an event is neither lost nor doubled.
 */
@Injectable()
export class ProcessDueSlaUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly sla: TicketSlaService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Processes the most overdue ticket; null when nothing is due at `now`. */
  async executeOne(now: Date): Promise<DueSlaOutcome | null> {
    return this.transactions.run(async (manager) => {
      const ticket = await this.tickets.claimDueSla(manager, now);
      if (!ticket) return null;
      if (!ticket.sla) {
        await this.tickets.update(manager, ticket, { nextSlaEventAt: null });
        return { ticketId: ticket.id };
      }
      await manager.query('SAVEPOINT sla_step');
      try {
        await this.sla.apply(manager, ticket, (state) => takeDueTicketSlaEvents(state, now), now);
        return { ticketId: ticket.id };
      } catch (err) {
        if (isRetryableTransactionError(err) || isTransientDatabaseError(err)) throw err;
        // A bad stored state must not block every ticket due after this one.
        await manager.query('ROLLBACK TO SAVEPOINT sla_step');
        await manager.query(
          `UPDATE "triage"."tickets" SET "next_sla_event_at" = $2::timestamptz + make_interval(mins => $3) WHERE "tenant_id" = $1 AND "id" = $4`,
          [ticket.tenantId, now, POSTPONE_MINUTES, ticket.id],
        );
        return { ticketId: ticket.id, error: err instanceof Error ? err.message : String(err) };
      }
    });
  }
}
