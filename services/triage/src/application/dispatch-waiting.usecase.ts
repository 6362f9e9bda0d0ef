import { Injectable } from '@nestjs/common';
import { AgentRepository } from '../infrastructure/agent.repository';
import { TransactionRunner } from '../infrastructure/transaction-runner';
import { TicketRouter } from './ticket-router.service';

/** Most assignments one sweep makes per tenant, so one busy tenant cannot starve the others. */
const PER_TENANT = 50;

/**
 * The safety net behind event-driven assignment: matches waiting tickets with free capacity that no
 * event announced (a replica died between commit and fill, an agent's limit was raised). One assignment
 * per transaction keeps lock sets small.
 */
@Injectable()
export class DispatchWaitingUseCase {
  constructor(
    private readonly agents: AgentRepository,
    private readonly router: TicketRouter,
    private readonly transactions: TransactionRunner,
  ) {}

  async execute(now: Date): Promise<number> {
    let assigned = 0;
    for (const tenantId of await this.agents.tenantsWithWork(100)) {
      for (let i = 0; i < PER_TENANT; i++) {
        const done = await this.transactions.run((manager) =>
          this.router.dispatchOne(manager, tenantId, now),
        );
        if (!done) break;
        assigned++;
      }
    }
    return assigned;
  }
}
