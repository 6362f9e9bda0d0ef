import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { IngestionRepository } from '../infrastructure/ingestion.repository';

/** Triage's ticket events tell which ticket each inbound message landed in. */
@Injectable()
export class TicketsConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly repository: IngestionRepository,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'ingestion.ticket-links',
      background: true,
      topics: [TOPICS.triageTickets],
      handlers: {
        'ticket.created': async (event, { manager }) => {
          await this.repository.attachTicket(
            manager,
            event.tenantId,
            event.payload.messageId,
            event.payload.ticketId,
          );
        },
        'ticket.message-added': async (event, { manager }) => {
          await this.repository.attachTicket(
            manager,
            event.tenantId,
            event.payload.messageId,
            event.payload.ticketId,
          );
        },
      },
    });
  }
}
