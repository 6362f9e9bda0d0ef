import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHANNELS, type Channel } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { describeFollowUp, followUpSummary, type FollowUpSubject, type RequiredFollowUp } from '../domain';
import { FollowUpRepository, type FollowUpSourceKind } from '../infrastructure/follow-up.repository';

export interface RequestFollowUpCommand {
  readonly tenantId: string;
  /** Chosen by the caller when it must store the id beside its own record first. */
  readonly followUpId?: string;
  readonly sourceKind: FollowUpSourceKind;
  readonly sourceId: string;
  readonly subject: FollowUpSubject;
  readonly decision: RequiredFollowUp;
  readonly ticketId: string | null;
  readonly customerId: string | null;
  readonly conversationId: string | null;
  readonly channel: string | null;
  readonly language: string | null;
  readonly at: Date;
}

/**
 * Closes the loop's first half: a bad experience becomes a `follow-up.requested` that triage turns
 * into a linked ticket in the complaints queue. The event id is kept, because triage's
 * ticket.created for the follow-up names it as its causation.
 */
@Injectable()
export class RequestFollowUpUseCase {
  constructor(
    private readonly followUps: FollowUpRepository,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(manager: EntityManager, command: RequestFollowUpCommand): Promise<{ followUpId: string }> {
    const followUpId = command.followUpId ?? randomUUID();
    const reason = describeFollowUp(command.decision, command.subject);
    const channel = asChannel(command.channel);
    const event = await this.publisher.publish(manager, {
      type: 'follow-up.requested',
      tenantId: command.tenantId,
      aggregateId: command.ticketId ?? command.sourceId,
      occurredAt: command.at,
      payload: {
        followUpId,
        ticketId: command.ticketId,
        customerId: command.customerId,
        reason,
        priority: command.decision.priority,
        legal: command.decision.escalation.length > 0,
        sourceId: command.sourceId,
        sourceKind: command.sourceKind,
        reasons: [...command.decision.reasons],
        conversationId: command.conversationId,
        channel,
        summary: followUpSummary(command.subject),
        evidence: [...new Set([...command.decision.evidence, ...command.decision.escalation])].slice(0, 50),
      },
    });
    await this.followUps.insert(manager, {
      id: followUpId,
      tenantId: command.tenantId,
      sourceKind: command.sourceKind,
      sourceId: command.sourceId,
      ticketId: command.ticketId,
      customerId: command.customerId,
      conversationId: command.conversationId,
      channel: command.channel,
      language: command.language,
      priority: command.decision.priority,
      reason,
      reasons: command.decision.reasons,
      legal: command.decision.escalation.length > 0,
      requestEventId: event.id,
      createdAt: command.at,
    });
    return { followUpId };
  }
}

function asChannel(value: string | null): Channel | null {
  return CHANNELS.find((channel) => channel === value) ?? null;
}
