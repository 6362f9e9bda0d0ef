import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import { PermanentEventError } from '@helpdesk/messaging';
import { detectLanguage } from '@helpdesk/text';
import { stringSetting } from '../domain/channel-account';
import { ChannelAccountRepository } from '../infrastructure/channel-account.repository';
import { IngestionRepository } from '../infrastructure/ingestion.repository';
import { ReplyChannelGateway } from '../infrastructure/reply-channel.gateway';

/**
 * Triage asked for a reply: it is stored as an outbound message of the conversation, queued for
 * delivery over the conversation's channel. Nothing is sent here, so the consumer is never held
 * up by a slow channel; the delivery worker takes it from Postgres.
 */
@Injectable()
export class RequestReplyUseCase {
  constructor(
    private readonly repository: IngestionRepository,
    private readonly accounts: ChannelAccountRepository,
    private readonly gateway: ReplyChannelGateway,
  ) {}

  /** Returns the stored message's id, or null when this reply was stored before. */
  async execute(
    manager: EntityManager,
    event: EventEnvelope<'reply.requested', PayloadOf<'reply.requested'>>,
  ): Promise<string | null> {
    const { tenantId, payload } = event;
    const conversation = await this.repository.findConversation(manager, tenantId, payload.conversationId);
    if (!conversation)
      throw new PermanentEventError(
        `conversation ${payload.conversationId} of tenant ${tenantId} does not exist`,
      );
    if (await this.repository.findByReplyId(manager, tenantId, payload.replyId)) return null;
    const channel = conversation.channel;
    let externalMessageId: string | null = null;
    if (channel === 'email') {
      const account = (await this.accounts.enabled(tenantId, 'email', manager))[0];
      externalMessageId = this.gateway.newEmailMessageId(
        (account && stringSetting(account, 'fromAddress')) ?? undefined,
      );
    }
    const message = await this.repository.insertMessage(manager, {
      tenantId,
      conversationId: conversation.id,
      customerId: conversation.customerId,
      direction: 'outbound',
      channel,
      kind: 'message',
      subject: payload.subject ?? null,
      body: payload.body,
      language: detectLanguage(`${payload.subject ?? ''} ${payload.body}`),
      attachments: [],
      externalMessageId,
      metadata: {
        reply: {
          replyId: payload.replyId,
          kind: payload.kind,
          agentId: payload.agentId ?? null,
          requestedChannel: payload.channel,
          requestedFor: payload.customerId,
        },
      },
      occurredAt: new Date(event.occurredAt),
      replyId: payload.replyId,
      ticketId: payload.ticketId ?? null,
      deliveryStatus: 'queued',
    });
    return message.id;
  }
}
