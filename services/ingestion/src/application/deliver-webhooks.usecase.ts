import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import type { IngestionConfig } from '../config';
import { decideAfterFailure } from '../domain/delivery/delivery-policy';
import {
  PERMANENT_WEBHOOK_FAILURES,
  statusOfFailureCode,
  type WebhookDelivery,
} from '../domain/webhooks/webhook-subscription';
import { ChannelDeliveryError } from '../infrastructure/channels/channel-delivery.error';
import { ChannelSecretError } from '../infrastructure/channel-secrets.cipher';
import { ChannelMetrics } from '../infrastructure/channel.metrics';
import { CrmWebhookClient } from '../infrastructure/webhooks/crm-webhook.client';
import { WebhookDeliveryRepository, type AttemptResult } from '../infrastructure/webhooks/webhook-delivery.repository';
import { WebhookSecrets } from '../infrastructure/webhooks/webhook-secrets';
import {
  WebhookSubscriptionRepository,
  type StoredWebhookSubscription,
} from '../infrastructure/webhooks/webhook-subscription.repository';

interface Failure {
  retryable: boolean;
  statusCode: number | null;
  message: string;
  retryAfterSec: number | null;
}

function classify(err: unknown): Failure {
  if (err instanceof ChannelDeliveryError)
    return {
      // A CRM answering 4xx may be mid-deploy or misconfigured for a while: every answer is retried up to the limit.
      retryable: !PERMANENT_WEBHOOK_FAILURES.has(err.code),
      statusCode: statusOfFailureCode(err.code),
      message: `${err.code}: ${err.message}`,
      retryAfterSec: err.retryAfterSec,
    };
  if (err instanceof ChannelSecretError)
    return { retryable: false, statusCode: null, message: `secret-${err.code}: ${err.message}`, retryAfterSec: null };
  // Our own trouble (database, a bug): worth another try, and visible on the delivery meanwhile.
  return {
    retryable: true,
    statusCode: null,
    message: `internal: ${err instanceof Error ? err.message : String(err)}`,
    retryAfterSec: null,
  };
}

/**
 * Sends claimed deliveries: each one heads its (subscription, aggregate) queue. A failure is
 * retried with exponential back-off and, after the last attempt, dead-lettered (status failed);
 * either way the queue moves on only once the outcome is recorded.
 */
@Injectable()
export class DeliverWebhooksUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly subscriptions: WebhookSubscriptionRepository,
    @Inject(WebhookSecrets) private readonly secrets: WebhookSecrets,
    private readonly client: CrmWebhookClient,
    private readonly metrics: ChannelMetrics,
    @InjectConfig() private readonly config: IngestionConfig,
    @InjectLogger() private readonly logger: AppLogger,
  ) {}

  /** Claims and sends one batch; returns how many were claimed. */
  async deliverDue(): Promise<number> {
    const leaseMs = Math.max(60_000, this.config.WEBHOOK_TIMEOUT_MS * 4);
    const claimed = await this.deliveries.claimDue(this.config.WEBHOOK_BATCH_SIZE, leaseMs);
    const subscriptions = new Map<string, Promise<StoredWebhookSubscription | null>>();
    const subscriptionOf = (d: WebhookDelivery): Promise<StoredWebhookSubscription | null> => {
      let found = subscriptions.get(d.subscriptionId);
      if (!found) {
        found = this.subscriptions.find(d.tenantId, d.subscriptionId);
        subscriptions.set(d.subscriptionId, found);
      }
      return found;
    };
    const outcomes = await Promise.allSettled(claimed.map(async (d) => this.deliverOne(d, await subscriptionOf(d))));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    // An unrecorded outcome (database trouble): the lease runs out and the delivery is sent again.
    if (failed) throw failed.reason;
    return claimed.length;
  }

  private async deliverOne(delivery: WebhookDelivery, subscription: StoredWebhookSubscription | null): Promise<void> {
    // Deleted since the claim: its deliveries went with it.
    if (!subscription) return;
    const started = performance.now();
    let result: AttemptResult;
    try {
      const secret = this.secrets.open(subscription.tenantId, subscription.id, subscription.sealedSecret);
      const { status } = await this.client.send(subscription.url, secret, delivery);
      result = { outcome: 'delivered', statusCode: status, durationMs: performance.now() - started };
    } catch (err: unknown) {
      const failure = classify(err);
      const decision = decideAfterFailure(
        {
          maxAttempts: this.config.WEBHOOK_MAX_ATTEMPTS,
          baseDelayMs: this.config.WEBHOOK_RETRY_BASE_MS,
          maxDelayMs: this.config.WEBHOOK_RETRY_MAX_MS,
        },
        { attempts: delivery.attempts + 1, retryable: failure.retryable, retryAfterSec: failure.retryAfterSec },
        new Date(),
        Math.random(),
      );
      const durationMs = performance.now() - started;
      result =
        decision.kind === 'retry'
          ? { outcome: 'retry', at: decision.at, statusCode: failure.statusCode, error: failure.message, durationMs }
          : { outcome: 'failed', statusCode: failure.statusCode, error: failure.message, durationMs };
    }
    const recorded = await this.dataSource.transaction((manager) =>
      this.deliveries.recordResult(manager, delivery, result),
    );
    if (!recorded) return;
    this.metrics.webhookAttempts.inc({ outcome: result.outcome });
    if (result.outcome !== 'delivered')
      this.logger[result.outcome === 'failed' ? 'error' : 'warn'](
        {
          tenantId: delivery.tenantId,
          subscriptionId: delivery.subscriptionId,
          deliveryId: delivery.id,
          eventType: delivery.eventType,
          attempts: delivery.attempts + 1,
          reason: result.error,
        },
        result.outcome === 'failed' ? 'webhook delivery dead-lettered' : 'webhook delivery failed; will retry',
      );
  }
}
