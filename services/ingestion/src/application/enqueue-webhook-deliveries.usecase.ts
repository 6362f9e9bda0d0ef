import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@helpdesk/contracts';
import { isWebhookEventType, patternsSelecting } from '../domain/webhooks/webhook-subscription';
import { WebhookDeliveryRepository } from '../infrastructure/webhooks/webhook-delivery.repository';
import { WebhookSubscriptionRepository } from '../infrastructure/webhooks/webhook-subscription.repository';

/**
 * Queues an event for every subscription of its tenant that selects it, in the consumer's
 * transaction: the inbox row and the deliveries commit together, so each subscription gets
 * exactly one delivery per event however often Kafka hands the event over.
 */
@Injectable()
export class EnqueueWebhookDeliveriesUseCase {
  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly subscriptions: WebhookSubscriptionRepository,
  ) {}

  /**
   * The tenants whose events can become deliveries. Most tenants subscribe no CRM: their events are
   * passed over unread instead of each costing a validation, an inbox row and a share of a
   * transaction that queues nothing. Checked when the events are consumed, as the queueing itself
   * is, so a subscription gets every event consumed after it was created.
   */
  tenantsSubscribed(tenantIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.subscriptions.tenantsSubscribed(tenantIds);
  }

  /** `onQueued` hears how many deliveries were queued, once they are written (just before the commit). */
  async execute(manager: EntityManager, event: EventEnvelope<string, unknown>, onQueued?: (count: number) => void): Promise<void> {
    if (!isWebhookEventType(event.type)) return;
    await this.deliveries.enqueue(
      manager,
      {
        tenantId: event.tenantId,
        eventId: event.id,
        eventType: event.type,
        occurredAt: event.occurredAt,
        aggregateId: event.aggregateId,
        payload: event.payload,
      },
      patternsSelecting(event.type),
      onQueued,
    );
  }
}
