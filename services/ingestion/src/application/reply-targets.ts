import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pickWebhookAccount, stringSetting, type ChannelAccount } from '../domain/channel-account';
import {
  channelAccountIdOf,
  emailRecipientOf,
  ticketReferenceOf,
  weChatOpenIdOf,
} from '../domain/delivery/reply-recipient';
import { UndeliverableReplyError } from '../domain/delivery/undeliverable-reply.error';
import type { StoredMessage } from '../domain/message';
import { ChannelAccountRepository } from '../infrastructure/channel-account.repository';
import { ChannelSecrets } from '../infrastructure/channel-secrets';
import { CustomerRepository } from '../infrastructure/customer.repository';
import { IngestionRepository } from '../infrastructure/ingestion.repository';
import { ReplyChannelGateway, type ReplyTarget } from '../infrastructure/reply-channel.gateway';

/**
 * Works out where an outbound reply goes over its conversation's channel: the address and
 * threading headers of the customer's last e-mail, the OpenID and Official Account of their last
 * WeChat message, or the tenant's partner webhook for web, app, API and social conversations.
 */
@Injectable()
export class ReplyTargets {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IngestionRepository,
    private readonly customers: CustomerRepository,
    private readonly accounts: ChannelAccountRepository,
    @Inject(ChannelSecrets) private readonly secrets: ChannelSecrets,
    private readonly gateway: ReplyChannelGateway,
  ) {}

  async resolve(message: StoredMessage): Promise<ReplyTarget> {
    if (message.body.trim() === '') throw new UndeliverableReplyError('empty-body', 'the reply has no text');
    const manager = this.dataSource.manager;
    const { tenantId } = message;
    switch (message.channel) {
      case 'email': {
        const last = await this.repository.lastInbound(manager, tenantId, message.conversationId, 'email');
        const identities = await this.customers.identities(tenantId, message.customerId);
        const recipient =
          (last ? emailRecipientOf(last.metadata) : null) ??
          ((email) => (email ? { address: email.value, name: null } : null))(
            identities.find((i) => i.type === 'email'),
          );
        if (!recipient)
          throw new UndeliverableReplyError('no-recipient', 'the customer has no e-mail address');
        const conversation = await this.repository.findConversation(
          manager,
          tenantId,
          message.conversationId,
        );
        const account = (await this.accounts.enabled(tenantId, 'email'))[0];
        const fromAddress = account ? stringSetting(account, 'fromAddress') : null;
        const fromName = account ? stringSetting(account, 'fromName') : null;
        const from = fromAddress
          ? { address: fromAddress, ...(fromName ? { name: fromName } : {}) }
          : this.gateway.defaultFrom;
        return {
          channel: 'email',
          from,
          reply: {
            to: [recipient],
            subject: message.subject ?? last?.subject ?? conversation?.subject ?? null,
            ticketReference: ticketReferenceOf(message.ticketId),
            text: message.body,
            inReplyTo: last?.externalMessageId ?? null,
            references: last?.emailReferences ?? [],
            messageId: message.externalMessageId ?? undefined,
          },
        };
      }
      case 'wechat': {
        const last = await this.repository.lastInbound(manager, tenantId, message.conversationId, 'wechat');
        const accountId = last ? channelAccountIdOf(last.metadata) : null;
        const account =
          (accountId ? await this.accounts.findById(tenantId, accountId) : null) ??
          (await this.accounts.enabled(tenantId, 'wechat'))[0];
        if (!account) throw new UndeliverableReplyError('not-configured', 'the tenant has no WeChat account');
        const openId =
          (last ? weChatOpenIdOf(last.metadata) : null) ??
          (await this.customers.identities(tenantId, message.customerId)).find((i) => i.type === 'wechat')
            ?.value ??
          null;
        if (!openId) throw new UndeliverableReplyError('no-recipient', 'the customer has no WeChat OpenID');
        return { channel: 'wechat', ...this.weChatCredentials(account), openId, text: message.body };
      }
      case 'web':
      case 'app':
      case 'api':
      case 'social': {
        const account = pickWebhookAccount(await this.accounts.enabled(tenantId, 'webhook'), message.channel);
        const url = account ? stringSetting(account, 'url') : null;
        const secret = account ? this.secrets.read(account, 'secret') : null;
        if (!account || !url || !secret)
          throw new UndeliverableReplyError(
            'not-configured',
            `the tenant has no webhook account for ${message.channel}`,
          );
        return {
          channel: 'webhook',
          delivery: {
            url,
            secret,
            idempotencyKey: message.id,
            eventType: 'reply',
            payload: {
              type: 'reply',
              messageId: message.id,
              replyId: message.replyId,
              ticketId: message.ticketId,
              conversationId: message.conversationId,
              customerId: message.customerId,
              identities: await this.customers.identities(tenantId, message.customerId),
              channel: message.channel,
              subject: message.subject,
              body: message.body,
              language: message.language,
              createdAt: message.createdAt,
            },
          },
        };
      }
      case 'phone':
        throw new UndeliverableReplyError(
          'no-outbound-channel',
          'a phone conversation has no channel to send a text reply over',
        );
    }
  }

  private weChatCredentials(account: ChannelAccount): { appId: string; appSecret: string } {
    const appId = stringSetting(account, 'appId');
    const appSecret = this.secrets.read(account, 'appSecret');
    if (!appId || !appSecret)
      throw new UndeliverableReplyError(
        'not-configured',
        `WeChat account ${account.name} has no AppID and AppSecret for sending`,
      );
    return { appId, appSecret };
  }
}
