import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { IntakeMessageUseCase } from '../application/intake-message.usecase';

@Injectable()
export class MessagesConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly intake: IntakeMessageUseCase,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'triage.message-intake',
      topics: [TOPICS.ingestionMessages],
      handlers: {
        'message.received': (event, { manager }) => this.intake.execute(manager, event),
      },
      prefetch: {
        'message.received': (events, { manager }) => this.intake.prefetch(manager, events),
      },
    });
  }
}
