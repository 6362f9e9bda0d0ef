import { Injectable } from '@nestjs/common';
import { IdempotencyService, InjectConfig } from '@helpdesk/platform';
import type { IngestionConfig } from '../config';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';
import { isTerminalDeliveryStatus, type WebhookDelivery } from '../domain/webhooks/webhook-subscription';
import { WebhookDeliveryRepository } from '../infrastructure/webhooks/webhook-delivery.repository';
import { WebhookSubscriptionRepository } from '../infrastructure/webhooks/webhook-subscription.repository';

export interface ReplayRangeResult {
  replayed: number;
  from: string;
  to: string;
}

/**
 * Sends finished deliveries again, as new deliveries at the end of their aggregate's queue (so a
 * replay never overtakes events still waiting) with the original event id and a fresh signature.
 */
@Injectable()
export class ReplayWebhookDeliveriesUseCase {
  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly idempotency: IdempotencyService,
    @InjectConfig() private readonly config: IngestionConfig,
  ) {}

  async replayOne(
    tenantId: string,
    subscriptionId: string,
    deliveryId: string,
    idempotencyKey: string | undefined,
  ): Promise<WebhookDelivery> {
    const { body } = await this.idempotency.execute<WebhookDelivery>(
      { tenantId, scope: `webhook-replay:${subscriptionId}`, key: idempotencyKey, body: { deliveryId } },
      async (manager) => {
        await this.requireSubscription(tenantId, subscriptionId);
        const original = await this.deliveries.find(tenantId, subscriptionId, deliveryId, manager);
        if (!original)
          throw new IngestionException(
            IngestionErrorCode.WebhookDeliveryNotFound,
            `delivery ${deliveryId} of webhook ${subscriptionId} not found`,
          );
        if (!isTerminalDeliveryStatus(original.status))
          throw new IngestionException(
            IngestionErrorCode.WebhookDeliveryOpen,
            `delivery ${deliveryId} is still ${original.status}: it will be sent without a replay`,
          );
        const [copy] = await this.deliveries.replay(manager, tenantId, subscriptionId, { ids: [deliveryId] });
        return { status: 202, body: copy };
      },
    );
    return body;
  }

  /** Every event of the subscription that occurred in [from, to) and was delivered or dead-lettered. */
  async replayRange(
    tenantId: string,
    subscriptionId: string,
    from: Date,
    to: Date,
    idempotencyKey: string | undefined,
  ): Promise<ReplayRangeResult> {
    if (from.getTime() >= to.getTime())
      throw new IngestionException(IngestionErrorCode.InvalidQuery, '"from" must be before "to"', 'from');
    const range = { from: from.toISOString(), to: to.toISOString() };
    const { body } = await this.idempotency.execute<ReplayRangeResult>(
      { tenantId, scope: `webhook-replay:${subscriptionId}`, key: idempotencyKey, body: range },
      async (manager) => {
        await this.requireSubscription(tenantId, subscriptionId);
        const count = await this.deliveries.countFinishedBetween(manager, tenantId, subscriptionId, from, to);
        if (count > this.config.WEBHOOK_REPLAY_MAX)
          throw new IngestionException(
            IngestionErrorCode.ReplayRangeTooLarge,
            `${count} deliveries are in the range, at most ${this.config.WEBHOOK_REPLAY_MAX} can be replayed at once: split the range`,
          );
        const copies = await this.deliveries.replay(manager, tenantId, subscriptionId, { from, to });
        return { status: 202, body: { replayed: copies.length, ...range } };
      },
    );
    return body;
  }

  private async requireSubscription(tenantId: string, subscriptionId: string): Promise<void> {
    if (!(await this.subscriptions.find(tenantId, subscriptionId)))
      throw new IngestionException(IngestionErrorCode.WebhookNotFound, `webhook subscription ${subscriptionId} not found`);
  }
}
