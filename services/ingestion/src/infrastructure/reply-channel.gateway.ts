import { createHash, randomUUID } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, ServiceInfrastructure } from '@helpdesk/platform';
import type { IngestionConfig } from '../config';
import { SmtpReplySender, type SmtpReply } from './channels/smtp-reply.sender';
import { WebhookReplySender, type WebhookDelivery } from './channels/webhook-reply.sender';
import { WeChatCustomerServiceClient } from './channels/wechat-customer-service.client';
import { RedisAccessTokenCache } from './redis-access-token.cache';

/** Where and how one reply goes; built from the conversation and the tenant's channel accounts. */
export type ReplyTarget =
  | { channel: 'email'; from: { address: string; name?: string }; reply: SmtpReply }
  | { channel: 'wechat'; appId: string; appSecret: string; openId: string; text: string }
  | { channel: 'webhook'; delivery: WebhookDelivery };

export interface SentReply {
  /** The channel's id for what was sent (Message-ID, WeChat msgid), when it gives one. */
  providerMessageId: string | null;
  detail: string;
}

/** The outbound channel clients, configured once: SMTP relay, WeChat customer-service API, partner webhooks. */
@Injectable()
export class ReplyChannelGateway implements OnModuleDestroy {
  private readonly smtp = new Map<string, SmtpReplySender>();
  private readonly wechat = new Map<string, WeChatCustomerServiceClient>();
  private readonly webhook: WebhookReplySender;
  private readonly tokens: RedisAccessTokenCache;

  constructor(
    @InjectConfig() private readonly config: IngestionConfig,
    infra: ServiceInfrastructure,
  ) {
    this.webhook = new WebhookReplySender({ timeoutMs: config.DELIVERY_TIMEOUT_MS });
    this.tokens = new RedisAccessTokenCache(infra.redis);
  }

  get defaultFrom(): { address: string; name?: string } {
    return {
      address: this.config.SMTP_FROM,
      ...(this.config.SMTP_FROM_NAME ? { name: this.config.SMTP_FROM_NAME } : {}),
    };
  }

  /** A Message-ID for an outbound e-mail, stored before the first attempt so retries reuse it. */
  newEmailMessageId(fromAddress: string = this.config.SMTP_FROM): string {
    return `<${randomUUID()}@${fromAddress.split('@')[1] ?? 'localhost'}>`;
  }

  async send(target: ReplyTarget): Promise<SentReply> {
    switch (target.channel) {
      case 'email': {
        const result = await this.smtpSender(target.from).send(target.reply);
        return { providerMessageId: result.messageId, detail: result.response };
      }
      case 'wechat': {
        const result = await this.wechatClient(target.appId, target.appSecret).sendText(
          target.openId,
          target.text,
        );
        return {
          providerMessageId: result.msgId,
          detail: result.tokenRefreshed ? 'sent after refreshing the access token' : 'sent',
        };
      }
      case 'webhook': {
        const result = await this.webhook.send(target.delivery);
        return { providerMessageId: null, detail: `HTTP ${result.status}` };
      }
    }
  }

  onModuleDestroy(): void {
    for (const sender of this.smtp.values()) sender.close();
    this.smtp.clear();
  }

  private smtpSender(from: { address: string; name?: string }): SmtpReplySender {
    const key = `${from.address}\u0000${from.name ?? ''}`;
    let sender = this.smtp.get(key);
    if (!sender) {
      const c = this.config;
      sender = new SmtpReplySender({
        host: c.SMTP_HOST,
        port: c.SMTP_PORT,
        secure: c.SMTP_SECURE,
        ignoreTLS: c.SMTP_IGNORE_TLS,
        auth: c.SMTP_USER && c.SMTP_PASSWORD ? { user: c.SMTP_USER, pass: c.SMTP_PASSWORD } : undefined,
        from,
        connectionTimeoutMs: c.DELIVERY_TIMEOUT_MS,
        socketTimeoutMs: c.DELIVERY_TIMEOUT_MS * 3,
      });
      this.smtp.set(key, sender);
    }
    return sender;
  }

  private wechatClient(appId: string, appSecret: string): WeChatCustomerServiceClient {
    // A rotated AppSecret gets a new client; the token cache stays keyed by AppID.
    const key = `${appId}:${createHash('sha256').update(appSecret).digest('hex').slice(0, 16)}`;
    let client = this.wechat.get(key);
    if (!client) {
      client = new WeChatCustomerServiceClient({
        appId,
        appSecret,
        cache: this.tokens,
        baseUrl: this.config.WECHAT_API_BASE_URL,
        timeoutMs: this.config.DELIVERY_TIMEOUT_MS,
      });
      this.wechat.set(key, client);
    }
    return client;
  }
}
