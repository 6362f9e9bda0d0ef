import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { parseInboundEmail } from '../domain/channels/email/inbound-email.parser';
import { storedReferences, threadAncestors } from '../domain/email/email-threading';
import { capBody, type Attachment } from '../domain/message';
import { IngestionRepository } from '../infrastructure/ingestion.repository';
import { SubmitMessageUseCase, type SubmitMessageResult } from './submit-message.usecase';

export interface IngestEmailCommand {
  tenantId: string;
  raw: Buffer;
  maxBytes: number;
  idempotencyKey?: string;
  apiKeyId?: string;
}

/**
 * An inbound e-mail as an MTA forwards it: parsed (charsets, encoded words, HTML, attachments as
 * metadata), threaded by its headers, then by a ticket reference in the subject, then by the
 * tenant's open-conversation rule, and submitted like any other message.
 */
@Injectable()
export class IngestEmailUseCase {
  constructor(
    private readonly submit: SubmitMessageUseCase,
    private readonly repository: IngestionRepository,
  ) {}

  async execute(command: IngestEmailCommand): Promise<{ body: SubmitMessageResult; replayed: boolean }> {
    const email = await parseInboundEmail(command.raw, { maxBytes: command.maxBytes });
    const { tenantId } = command;
    // Without a Message-ID the content itself identifies the message, so an MTA's redelivery is still one message.
    const messageId =
      email.messageId ??
      `<sha256-${createHash('sha256').update(command.raw).digest('hex').slice(0, 40)}@no-message-id.invalid>`;
    const text = email.body !== '' ? email.body : email.text !== '' ? email.text : '(empty message)';
    const capped = capBody(text);
    const ancestors = threadAncestors(email);
    const attachments: Attachment[] = email.attachments.map((a, i) => ({
      filename: (a.filename ?? `attachment-${i + 1}`).slice(0, 255),
      contentType: a.contentType.slice(0, 255),
      size: a.size,
      checksum: a.checksum,
    }));
    const { body, replayed } = await this.submit.execute(
      {
        tenantId,
        idempotencyKey: command.idempotencyKey,
        channel: 'email',
        customer: {
          email: email.from.address,
          ...(email.from.name ? { name: email.from.name.slice(0, 200) } : {}),
        },
        subject: email.subject === '' ? null : email.subject.slice(0, 1000),
        body: capped.body,
        quoted: email.quoted === '' ? null : email.quoted,
        signature: email.signature === '' ? null : email.signature,
        attachments,
        externalMessageId: messageId.slice(0, 500),
        emailReferences: storedReferences(email),
        metadata: {
          email: {
            from: email.from,
            replyTo: email.replyTo,
            to: email.to,
            cc: email.cc,
            inReplyTo: email.inReplyTo,
            date: email.date?.toISOString() ?? null,
            textSource: email.textSource,
            ticketReference: email.ticketReference,
            autoReply: email.isAutoReply,
          },
          ...(capped.truncated ? { truncated: true } : {}),
          ...(command.apiKeyId ? { apiKeyId: command.apiKeyId } : {}),
        },
        resolveConversation: async (manager) =>
          (await this.repository.findConversationByEmailIds(manager, tenantId, ancestors)) ??
          (email.ticketReference
            ? await this.repository.findConversationByTicketReference(
                manager,
                tenantId,
                email.ticketReference,
              )
            : null),
      },
      command.raw,
    );
    return { body, replayed };
  }
}
