import { Injectable } from '@nestjs/common';
import { InjectConfig } from '@helpdesk/platform';
import type { IngestionConfig } from '../../config';
import {
  WEBHOOK_HEADERS,
  webhookEventBody,
  type WebhookDelivery,
} from '../../domain/webhooks/webhook-subscription';
import { WebhookReplySender } from '../channels/webhook-reply.sender';

/**
 * Posts one delivery to a CRM: `{ id, type, occurredAt, tenantId, data }` signed with the
 * subscription's secret over `<unix time>.<body>`; throws a ChannelDeliveryError on failure.
 */
@Injectable()
export class CrmWebhookClient {
  private readonly sender: WebhookReplySender;

  constructor(@InjectConfig() config: IngestionConfig) {
    this.sender = new WebhookReplySender({
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      signatureHeader: WEBHOOK_HEADERS.signature,
      userAgent: 'helpdesk-crm-webhooks/1',
    });
  }

  async send(url: string, secret: string, delivery: WebhookDelivery): Promise<{ status: number }> {
    const { status } = await this.sender.send({
      url,
      secret,
      payload: webhookEventBody(delivery),
      // Replays carry the original event id: receivers that already applied it can drop the copy.
      idempotencyKey: delivery.eventId,
      headers: {
        [WEBHOOK_HEADERS.eventId]: delivery.eventId,
        [WEBHOOK_HEADERS.eventType]: delivery.eventType,
        [WEBHOOK_HEADERS.deliveryId]: delivery.id,
      },
    });
    return { status };
  }
}
