import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { SuggestArticlesForTicketUseCase } from '../application/suggest-articles-for-ticket.usecase';
import { TrackAutoAnswerOutcomeUseCase } from '../application/track-auto-answer-outcome.usecase';

/**
 * Triage's ticket events: each new ticket's question gets suggestions (and maybe an automatic answer);
 * later events of an automatically answered ticket decide whether it was deflected. One consumer, so a
 * ticket's events (one partition, keyed by ticket) are handled in order.
 */
@Injectable()
export class TicketsConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly suggest: SuggestArticlesForTicketUseCase,
    private readonly outcomes: TrackAutoAnswerOutcomeUseCase,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'knowledge.ticket-questions',
      background: true,
      topics: [TOPICS.triageTickets],
      handlers: {
        'ticket.created': (event, { manager }) => this.suggest.execute(manager, event),
        'ticket.replied': (event, { manager }) => this.outcomes.replied(manager, event.tenantId, event.payload),
        'ticket.message-added': (event, { manager }) => this.outcomes.customerWrote(manager, event.tenantId, event.payload),
        'ticket.resumed': (event, { manager }) => this.outcomes.resumed(manager, event.tenantId, event.payload),
        'ticket.reopened': (event, { manager }) => this.outcomes.reopened(manager, event.tenantId, event.payload),
        'ticket.resolved': (event, { manager }) => this.outcomes.resolved(manager, event.tenantId, event.payload),
      },
      prefetch: {
        'ticket.created': (events, { manager }) => this.suggest.prefetch(manager, events),
      },
    });
  }
}
