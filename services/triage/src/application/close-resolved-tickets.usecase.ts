import { Injectable } from '@nestjs/common';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { TransactionRunner } from '../infrastructure/transaction-runner';
import { CloseTicketUseCase } from './close-ticket.usecase';

/** Closes one resolved ticket past the reopen window; null when none is left. */
@Injectable()
export class CloseResolvedTicketsUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly closing: CloseTicketUseCase,
    private readonly transactions: TransactionRunner,
  ) {}

  async executeOne(now: Date, afterHours: number): Promise<string | null> {
    return this.transactions.run(async (manager) => {
      const ticket = await this.tickets.claimResolvedBefore(
        manager,
        new Date(now.getTime() - afterHours * 3600_000),
      );
      if (!ticket) return null;
      await this.closing.close(manager, ticket, null, now, `resolved more than ${afterHours} h ago`);
      return ticket.id;
    });
  }
}
