import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import type { IngestionConfig } from '../config';
import { decideAfterFailure } from '../domain/delivery/delivery-policy';
import { UndeliverableReplyError } from '../domain/delivery/undeliverable-reply.error';
import type { StoredMessage } from '../domain/message';
import { ChannelDeliveryError } from '../infrastructure/channels/channel-delivery.error';
import { ChannelSecretError } from '../infrastructure/channel-secrets.cipher';
import { ChannelMetrics } from '../infrastructure/channel.metrics';
import { DeliveryRepository } from '../infrastructure/delivery.repository';
import { ReplyChannelGateway } from '../infrastructure/reply-channel.gateway';
import { ReplyTargets } from './reply-targets';

interface Failure {
  retryable: boolean;
  code: string;
  message: string;
  retryAfterSec: number | null;
}

function classify(err: unknown): Failure {
  if (err instanceof ChannelDeliveryError)
    return {
      retryable: err.retryable,
      code: err.code,
      message: err.message,
      retryAfterSec: err.retryAfterSec,
    };
  if (err instanceof UndeliverableReplyError)
    return { retryable: false, code: err.code, message: err.reason, retryAfterSec: null };
  if (err instanceof ChannelSecretError)
    return { retryable: false, code: `secret-${err.code}`, message: err.message, retryAfterSec: null };
  // Our own trouble (database, a bug): worth another try, and visible on the message meanwhile.
  return {
    retryable: true,
    code: 'internal',
    message: err instanceof Error ? err.message : String(err),
    retryAfterSec: null,
  };
}

/**
 * Delivers claimed replies: on success `message.delivered`; on failure a retry with exponential
 * back-off, and after the last attempt (or a permanent failure) the dead-letter path: the message
 * is marked failed and `message.delivery-failed` with `final: true` is published. Every outcome is
 * written with its event in one transaction, so none is lost.
 */
@Injectable()
export class DeliverRepliesUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly targets: ReplyTargets,
    private readonly gateway: ReplyChannelGateway,
    private readonly publisher: EventPublisher,
    private readonly metrics: ChannelMetrics,
    @InjectConfig() private readonly config: IngestionConfig,
    @InjectLogger() private readonly logger: AppLogger,
  ) {}

  /** Claims and delivers one batch; returns how many were claimed. */
  async deliverDue(): Promise<number> {
    const leaseMs = Math.max(60_000, this.config.DELIVERY_TIMEOUT_MS * 4);
    const claimed = await this.deliveries.claimDue(this.config.DELIVERY_BATCH_SIZE, leaseMs);
    await Promise.all(claimed.map((message) => this.deliverOne(message)));
    return claimed.length;
  }

  private async deliverOne(message: StoredMessage): Promise<void> {
    const attempts = message.deliveryAttempts + 1;
    const base = {
      messageId: message.id,
      conversationId: message.conversationId,
      channel: message.channel,
      ...this.refs(message),
    };
    try {
      const target = await this.targets.resolve(message);
      const sent = await this.gateway.send(target);
      await this.dataSource.transaction(async (manager) => {
        if (!(await this.deliveries.recordResult(manager, message, { outcome: 'delivered' }))) return;
        await this.publisher.publish(manager, {
          type: 'message.delivered',
          tenantId: message.tenantId,
          aggregateId: message.conversationId,
          payload: { ...base, deliveredAt: new Date().toISOString() },
        });
      });
      this.logger.info(
        { tenantId: message.tenantId, messageId: message.id, attempts, detail: sent.detail },
        'reply delivered',
      );
    } catch (err: unknown) {
      const failure = classify(err);
      const decision = decideAfterFailure(
        {
          maxAttempts: this.config.DELIVERY_MAX_ATTEMPTS,
          baseDelayMs: this.config.DELIVERY_RETRY_BASE_MS,
          maxDelayMs: this.config.DELIVERY_RETRY_MAX_MS,
        },
        { attempts, retryable: failure.retryable, retryAfterSec: failure.retryAfterSec },
        new Date(),
        Math.random(),
      );
      const final = decision.kind === 'dead-letter';
      await this.dataSource.transaction(async (manager) => {
        const recorded = await this.deliveries.recordResult(
          manager,
          message,
          final
            ? { outcome: 'failed', errorCode: failure.code, error: failure.message }
            : { outcome: 'retry', at: decision.at, errorCode: failure.code, error: failure.message },
        );
        if (!recorded) return;
        await this.publisher.publish(manager, {
          type: 'message.delivery-failed',
          tenantId: message.tenantId,
          aggregateId: message.conversationId,
          payload: { ...base, reason: `${failure.code}: ${failure.message}`.slice(0, 2000), attempts, final },
        });
      });
      this.metrics.deliveryAttempts.inc({ channel: message.channel, outcome: final ? 'failed' : 'retry' });
      this.logger[final ? 'error' : 'warn'](
        {
          tenantId: message.tenantId,
          messageId: message.id,
          attempts,
          code: failure.code,
          reason: failure.message,
          final,
        },
        final ? 'reply dead-lettered' : 'reply delivery failed; will retry',
      );
    }
  }

  private refs(message: StoredMessage): { replyId?: string; ticketId?: string } {
    return {
      ...(message.replyId ? { replyId: message.replyId } : {}),
      ...(message.ticketId ? { ticketId: message.ticketId } : {}),
    };
  }
}
