import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EventEnvelope } from '@helpdesk/contracts';
import type { EventHandlers, HandlerContext } from '@helpdesk/messaging';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { EnqueueWebhookDeliveriesUseCase } from '../application/enqueue-webhook-deliveries.usecase';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TOPICS } from '../domain/webhooks/webhook-subscription';
import { WebhookDeliveryWorker } from './workers/webhook-delivery.worker';

/** Ticket, customer, reply-outcome and feedback events, queued for the CRM subscriptions that select them. */
@Injectable()
export class WebhookEventsConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly enqueue: EnqueueWebhookDeliveriesUseCase,
    private readonly worker: WebhookDeliveryWorker,
  ) {}

  onModuleInit(): void {
    const handle = async (event: EventEnvelope<string, unknown>, { manager }: HandlerContext): Promise<void> => {
      await this.enqueue.execute(manager, event, (queued) => {
        // The rows commit with the handler's transaction; the worker looks again right after.
        if (queued > 0) setTimeout(() => this.worker.kick(), 20).unref();
      });
    };
    const handlers: EventHandlers = {};
    for (const type of WEBHOOK_EVENT_TYPES) handlers[type] = handle;
    this.infra.addConsumer({
      name: 'ingestion.crm-webhooks',
      background: true,
      topics: [...WEBHOOK_TOPICS],
      handlers,
      tenantsActedFor: (tenantIds) => this.enqueue.tenantsSubscribed(tenantIds),
    });
  }
}
