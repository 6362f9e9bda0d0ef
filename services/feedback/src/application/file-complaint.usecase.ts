import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { detectLanguage } from '@helpdesk/text';
import { needsFollowUp, recogniseComplaint } from '../domain';
import { ComplaintRepository, type ComplaintSource } from '../infrastructure/complaint.repository';
import { FollowUpRepository } from '../infrastructure/follow-up.repository';
import { TicketContextRepository } from '../infrastructure/ticket-context.repository';
import { RequestFollowUpUseCase } from './request-follow-up.usecase';

export interface FileComplaintCommand {
  readonly tenantId: string;
  readonly channel: Channel;
  readonly body: string;
  readonly customerId?: string | null;
  readonly ticketId?: string | null;
  readonly conversationId?: string | null;
  readonly source: ComplaintSource;
  readonly sourceMessageId?: string | null;
  readonly at: Date;
}

export interface FiledComplaint {
  readonly complaintId: string;
  readonly followUpId: string;
  readonly priority: 'P1' | 'P2';
  readonly ticketId: string | null;
  readonly customerId: string | null;
  readonly status: 'received';
  /** False when it joined a follow-up already open for the same conversation. */
  readonly followUpRequested: boolean;
}

/**
 * Every complaint is stored, announced (`complaint.received`) and followed up by a person
 * (`follow-up.requested`, P1 when legal, regulatory or media words appear). Complaints written
 * repeatedly in one conversation join the follow-up already open there instead of opening another.
 */
@Injectable()
export class FileComplaintUseCase {
  constructor(
    private readonly complaints: ComplaintRepository,
    private readonly contexts: TicketContextRepository,
    private readonly followUps: FollowUpRepository,
    private readonly publisher: EventPublisher,
    private readonly requestFollowUp: RequestFollowUpUseCase,
  ) {}

  /** Null when this message was already taken as a complaint. */
  async execute(manager: EntityManager, command: FileComplaintCommand): Promise<FiledComplaint | null> {
    const { tenantId } = command;
    // A NUL cannot be stored or published; messages from channels may still carry one.
    const body = command.body.replaceAll('\u0000', '');
    const requestedTicketId = command.ticketId ?? null;
    const requestedConversationId = command.conversationId ?? null;
    const context =
      requestedTicketId !== null
        ? await this.contexts.find(manager, tenantId, requestedTicketId)
        : requestedConversationId !== null
          ? await this.contexts.latestOfConversation(manager, tenantId, requestedConversationId)
          : null;
    const ticketId = requestedTicketId ?? context?.ticketId ?? null;
    const customerId = command.customerId ?? context?.customerId ?? null;
    const conversationId = requestedConversationId ?? context?.conversationId ?? null;
    const language = context?.language ?? detectLanguage(body);
    const subject = { kind: 'complaint', body } as const;
    const decision = needsFollowUp(subject);
    // needsFollowUp always requires one for a complaint; the guard keeps the types honest.
    if (!decision.required) throw new Error('a complaint always needs a follow-up');
    const recognition = recogniseComplaint(body);
    const openInConversation =
      command.source === 'message' && conversationId !== null
        ? await this.followUps.openComplaintInConversation(manager, tenantId, conversationId)
        : null;
    // A new legal or media threat is escalated on its own rather than joining a P2 follow-up.
    const open =
      openInConversation !== null && !(decision.priority === 'P1' && openInConversation.priority === 'P2')
        ? openInConversation
        : null;
    const complaintId = randomUUID();
    const followUpId = open?.id ?? randomUUID();
    const inserted = await this.complaints.insert(manager, {
      id: complaintId,
      tenantId,
      customerId,
      ticketId,
      conversationId,
      channel: command.channel,
      body,
      source: command.source,
      sourceMessageId: command.sourceMessageId ?? null,
      evidence: recognition.evidence,
      escalation: decision.escalation,
      followUpId,
      createdAt: command.at,
    });
    if (!inserted) return null;
    await this.publisher.publish(manager, {
      type: 'complaint.received',
      tenantId,
      aggregateId: ticketId ?? complaintId,
      occurredAt: command.at,
      payload: { complaintId, ticketId, customerId, channel: command.channel, body },
    });
    if (open === null) {
      await this.requestFollowUp.execute(manager, {
        tenantId,
        followUpId,
        sourceKind: 'complaint',
        sourceId: complaintId,
        subject,
        decision,
        ticketId,
        customerId,
        conversationId,
        channel: context?.channel ?? command.channel,
        language,
        at: command.at,
      });
    }
    return {
      complaintId,
      followUpId,
      priority: open?.priority ?? decision.priority,
      ticketId,
      customerId,
      status: 'received',
      followUpRequested: open === null,
    };
  }
}
