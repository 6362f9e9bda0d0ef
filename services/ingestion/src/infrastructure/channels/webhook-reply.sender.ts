import { signWebhookBody, WEBHOOK_SIGNATURE_HEADER } from '../../domain/channels/webhook/webhook-signature';
import { PermanentDeliveryError } from './channel-delivery.error';
import { fetchFailure, httpStatusError, parseRetryAfter } from './http-failure';

export interface WebhookReplySenderConfig {
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Header the signature travels in; partner reply webhooks use `X-Signature`. */
  signatureHeader?: string;
}

export interface WebhookDelivery {
  /** The partner's endpoint for this channel account. */
  url: string;
  /** The shared secret of that account. */
  secret: string;
  /** Serialised as JSON; the exact bytes sent are the ones signed. */
  payload: unknown;
  /** Sent as `Idempotency-Key` so the partner can drop our retries. */
  idempotencyKey?: string;
  /** Sent as `X-Event-Type`, e.g. `reply.requested`. */
  eventType?: string;
  /** Further headers (event and delivery ids of CRM webhooks). */
  headers?: Readonly<Record<string, string>>;
}

export interface WebhookDeliveryResult {
  status: number;
  /** The signature header that was sent. */
  signature: string;
}

/** Posts replies to partner systems (web, app, API channels) as signed JSON. */
export class WebhookReplySender {
  private readonly fetchFn: typeof fetch;
  private readonly now: () => Date;

  constructor(private readonly config: WebhookReplySenderConfig = {}) {
    this.fetchFn = config.fetch ?? fetch;
    this.now = config.now ?? (() => new Date());
  }

  async send(delivery: WebhookDelivery): Promise<WebhookDeliveryResult> {
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      throw new PermanentDeliveryError('webhook', 'invalid-url', 'the webhook URL is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new PermanentDeliveryError('webhook', 'invalid-url', 'the webhook URL must be http(s)');
    if (delivery.secret === '')
      throw new PermanentDeliveryError('webhook', 'no-secret', 'the channel account has no webhook secret');
    let body: string | undefined;
    try {
      body = JSON.stringify(delivery.payload);
    } catch {
      body = undefined;
    }
    if (body === undefined)
      throw new PermanentDeliveryError(
        'webhook',
        'invalid-payload',
        'the payload cannot be serialised as JSON',
      );

    const signature = signWebhookBody(delivery.secret, body, this.now().getTime() / 1000);
    const headers: Record<string, string> = {
      ...delivery.headers,
      'content-type': 'application/json; charset=utf-8',
      [this.config.signatureHeader ?? WEBHOOK_SIGNATURE_HEADER]: signature,
      'user-agent': this.config.userAgent ?? 'helpdesk-webhooks/1',
    };
    if (delivery.idempotencyKey) headers['idempotency-key'] = delivery.idempotencyKey;
    if (delivery.eventType) headers['x-event-type'] = delivery.eventType;

    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers,
        body,
        // A redirect would turn the POST into a GET without the body: treat it as the partner's misconfiguration.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (error: unknown) {
      throw fetchFailure('webhook', error);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw httpStatusError(
        'webhook',
        response.status,
        parseRetryAfter(response.headers.get('retry-after'), this.now()),
      );
    }
    return { status: response.status, signature };
  }
}
