import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { RequestReplyUseCase } from '../application/request-reply.usecase';
import { DeliveryWorker } from './workers/delivery.worker';

/** Triage's reply requests: stored as queued outbound messages in the inbox transaction, delivered by the worker. */
@Injectable()
export class RepliesConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly requestReply: RequestReplyUseCase,
    private readonly worker: DeliveryWorker,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'ingestion.replies',
      topics: [TOPICS.triageReplies],
      handlers: {
        'reply.requested': async (event, { manager }) => {
          const stored = await this.requestReply.execute(manager, event);
          // The row commits with the handler's transaction; the worker looks again right after.
          if (stored) setTimeout(() => this.worker.kick(), 20).unref();
        },
      },
    });
  }
}
