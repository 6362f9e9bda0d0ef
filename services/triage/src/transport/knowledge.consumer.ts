import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { SendAutoAnswerUseCase } from '../application/send-auto-answer.usecase';

/** knowledge proposes an answer it is confident about: it goes to the customer and the ticket waits on them. */
@Injectable()
export class KnowledgeConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly autoAnswers: SendAutoAnswerUseCase,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'triage.auto-answers',
      topics: [TOPICS.knowledgeSuggestions],
      handlers: {
        'auto-answer.proposed': (event, { manager }) => this.autoAnswers.execute(manager, event),
      },
    });
  }
}
