import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { HandleCustomerMessageUseCase } from '../application/handle-customer-message.usecase';

/** Customers' messages: chat survey answers and complaints. */
@Injectable()
export class CustomerMessagesConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly handleMessage: HandleCustomerMessageUseCase,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'feedback.customer-messages',
      background: true,
      topics: [TOPICS.ingestionMessages],
      handlers: {
        'message.received': async (event, { manager }) => {
          await this.handleMessage.execute(manager, event);
        },
      },
    });
  }
}
