import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel, CustomerTier, Language, MessageKind } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { IdempotencyService } from '@helpdesk/platform';
import { detectLanguage } from '@helpdesk/text';
import { identitiesOf, type CustomerIdentifiers } from '../domain/customer-identity';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';
import type { Attachment, Customer, StoredMessage } from '../domain/message';
import { IngestionRepository, type NewConversation } from '../infrastructure/ingestion.repository';
import { CustomerResolver } from './customer-resolver';
import { retryOnConflict } from './retry-on-conflict';

export interface SubmitMessageCommand {
  tenantId: string;
  idempotencyKey?: string;
  channel: Channel;
  kind?: MessageKind;
  customer: CustomerIdentifiers & { name?: string; tier?: CustomerTier };
  subject?: string | null;
  body: string;
  quoted?: string | null;
  signature?: string | null;
  language?: Language;
  attachments?: Attachment[];
  externalMessageId?: string;
  /** E-mail: the References/In-Reply-To ids the message carried, kept for threading later replies. */
  emailReferences?: readonly string[];
  conversationId?: string;
  occurredAt?: Date;
  metadata?: Record<string, unknown>;
  /** Channel adapters that thread by their own rules (e-mail headers) pass the conversation they found. */
  resolveConversation?: (manager: EntityManager, customer: Customer) => Promise<string | null>;
}

export interface SubmitMessageResult {
  messageId: string;
  conversationId: string;
  customerId: string;
  status: 'accepted';
  duplicate?: boolean;
}

/**
 * Accepts one inbound message from any channel: de-duplicates it, resolves the customer across
 * channels, continues or opens a conversation, stores it and its `message.received` event together.
 */
@Injectable()
export class SubmitMessageUseCase {
  constructor(
    private readonly repository: IngestionRepository,
    private readonly customers: CustomerResolver,
    private readonly publisher: EventPublisher,
    private readonly idempotency: IdempotencyService,
  ) {}

  async execute(
    command: SubmitMessageCommand,
    requestBody: unknown = command,
  ): Promise<{ status: number; body: SubmitMessageResult; replayed: boolean }> {
    identitiesOf(command.customer);
    return retryOnConflict(() =>
      this.idempotency.execute<SubmitMessageResult>(
        { tenantId: command.tenantId, scope: 'messages', key: command.idempotencyKey, body: requestBody },
        async (manager) => {
          const { message: _stored, ...result } = await this.acceptIn(manager, command);
          return { status: 202, body: result };
        },
      ),
    );
  }

  /** The same acceptance inside the caller's transaction (channel inboxes, call aggregation). */
  async acceptIn(
    manager: EntityManager,
    command: SubmitMessageCommand,
  ): Promise<SubmitMessageResult & { message?: StoredMessage }> {
    const { tenantId } = command;
    const identities = identitiesOf(command.customer);
    if (command.externalMessageId) {
      const existing = await this.repository.findByExternalId(
        manager,
        tenantId,
        command.channel,
        command.externalMessageId,
      );
      if (existing) {
        return {
          messageId: existing.id,
          conversationId: existing.conversationId,
          customerId: existing.customerId,
          status: 'accepted',
          duplicate: true,
        };
      }
    }
    const occurredAt = command.occurredAt ?? new Date();
    const { customer, created } = await this.customers.resolveNoting(manager, tenantId, identities, command.customer);
    const conversation = await this.resolveConversation(manager, command, customer, occurredAt, created);
    const conversationId = conversation.id;
    const language = command.language ?? detectLanguage(`${command.subject ?? ''} ${command.body}`);
    const message = await this.repository.insertMessage(manager, {
      tenantId,
      conversationId,
      customerId: customer.id,
      direction: 'inbound',
      channel: command.channel,
      kind: command.kind ?? 'message',
      subject: command.subject ?? null,
      body: command.body,
      quoted: command.quoted,
      signature: command.signature,
      language,
      attachments: command.attachments ?? [],
      externalMessageId: command.externalMessageId ?? null,
      emailReferences: command.emailReferences,
      metadata: command.metadata ?? {},
      occurredAt,
    }, conversation.create);
    await this.publisher.publish(manager, {
      type: 'message.received',
      tenantId,
      aggregateId: conversationId,
      payload: {
        messageId: message.id,
        conversationId,
        customer: { customerId: customer.id, tier: customer.tier, name: customer.name },
        channel: command.channel,
        kind: message.kind,
        subject: message.subject,
        body: message.body,
        language,
        attachments: message.attachments.map(({ filename, contentType, size, url }) => ({
          filename,
          contentType,
          size,
          ...(url ? { url } : {}),
        })),
        externalMessageId: message.externalMessageId,
        receivedAt: occurredAt.toISOString(),
        metadata: message.metadata,
      },
    });
    return { messageId: message.id, conversationId, customerId: customer.id, status: 'accepted', message };
  }

  private async resolveConversation(
    manager: EntityManager,
    command: SubmitMessageCommand,
    customer: Customer,
    at: Date,
    newCustomer: boolean,
  ): Promise<{ id: string; create?: NewConversation }> {
    const { tenantId } = command;
    if (command.conversationId) {
      const existing = await this.repository.touchConversation(manager, tenantId, command.conversationId, at, command.channel);
      if (existing) return { id: existing };
      throw new IngestionException(
        IngestionErrorCode.ConversationNotFound,
        `conversation ${command.conversationId} does not exist`,
        'conversationId',
      );
    }
    const threaded = command.resolveConversation
      ? await command.resolveConversation(manager, customer)
      : null;
    let open = threaded;
    // A customer created in this transaction has no conversation to continue: two reads saved per first contact.
    if (!open && !newCustomer) {
      const rule = await this.repository.conversationRule(manager, tenantId);
      const since = new Date(at.getTime() - rule.continuityHours * 3600_000);
      open =
        rule.continuityHours > 0
          ? await this.repository.findOpenConversation(
              manager,
              tenantId,
              customer.id,
              since,
              rule.acrossChannels ? null : command.channel,
            )
          : null;
    }
    if (open) {
      await this.repository.touchConversation(manager, tenantId, open, at, command.channel);
      return { id: open };
    }
    // Created by the statement that writes its first message.
    const id = randomUUID();
    return { id, create: { id, tenantId, customerId: customer.id, channel: command.channel, subject: command.subject ?? null, at } };
  }
}
