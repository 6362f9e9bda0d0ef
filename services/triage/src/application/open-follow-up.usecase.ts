import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf, Priority } from '@helpdesk/contracts';
import { EventPublisher, PermanentEventError } from '@helpdesk/messaging';
import { COMPLAINTS_QUEUE_ID } from '../domain/routing';
import { priorityRank, toTicketSlaView } from '../domain/sla';
import type { Ticket, TicketClassification } from '../domain/ticket';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { contractClassification } from './intake-message.usecase';
import { TicketRouter } from './ticket-router.service';
import { TicketSlaService } from './ticket-sla.service';

type FollowUpRequested = EventEnvelope<'follow-up.requested', PayloadOf<'follow-up.requested'>>;

/** A follow-up is at least P2; a legal threat makes it P1. */
export function followUpPriority(requested: Priority, legal: boolean): Priority {
  if (legal) return 'P1';
  return priorityRank(requested) < priorityRank('P2') ? requested : 'P2';
}

/**
 * feedback found a bad experience (low score, complaint): a person must follow up. Opens a ticket in the
 * complaints queue on the same conversation, linked both ways with the original ticket.
 */
@Injectable()
export class OpenFollowUpUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly router: TicketRouter,
    private readonly sla: TicketSlaService,
  ) {}

  async execute(manager: EntityManager, event: FollowUpRequested): Promise<void> {
    const { tenantId } = event;
    const p = event.payload;
    const existing: unknown[] = await manager.query(
      `SELECT 1 FROM "triage"."tickets" WHERE "tenant_id" = $1 AND "follow_up_id" = $2`,
      [tenantId, p.followUpId],
    );
    if (existing.length > 0) return;
    // Without a ticket id, the conversation's own ticket (if triage has one) is the one followed up.
    const original = p.ticketId
      ? await this.tickets.find(tenantId, p.ticketId, manager, true)
      : p.conversationId
        ? await this.tickets.latestOfConversation(manager, tenantId, p.conversationId)
        : null;
    const customerId = original?.customerId ?? p.customerId ?? null;
    if (!customerId) {
      throw new PermanentEventError(
        `follow-up ${p.followUpId}: ticket ${p.ticketId ?? '(none)'} is unknown to triage and no customer is given`,
      );
    }
    const at = new Date(event.occurredAt);
    const priority = followUpPriority(p.priority, p.legal);
    const classification: TicketClassification = {
      priority,
      urgent: priority === 'P1' || priority === 'P2',
      important: priority === 'P1' || priority === 'P3',
      category: 'complaint',
      confidence: 1,
      reasons: [
        { signal: 'follow-up', weight: 1, evidence: p.reason },
        ...(p.evidence ?? []).map((evidence) => ({ signal: 'follow-up', weight: 1, evidence })),
        ...(p.legal ? [{ signal: 'legal', weight: 1, evidence: 'legal threat reported by feedback' }] : []),
      ],
      modelVersion: 'follow-up-rules',
    };
    const clocks = await this.sla.start(manager, tenantId, priority, at);
    const subject = `Follow-up: ${original?.subject ?? p.reason}`.slice(0, 1000);
    let ticket: Ticket = await this.tickets.insert(manager, {
      tenantId,
      customerId,
      customerTier: original?.customerTier ?? 'standard',
      conversationId: original?.conversationId ?? p.conversationId ?? randomUUID(),
      channel: original?.channel ?? p.channel ?? 'api',
      subject,
      language: original?.language ?? 'other',
      status: 'new',
      priority,
      prioritySource: 'follow-up',
      category: 'complaint',
      queue: null,
      assigneeId: null,
      classification,
      sla: clocks.sla,
      slaCalendarId: clocks.calendarId,
      nextSlaEventAt: clocks.nextSlaEventAt,
      followUpOf: original?.id ?? null,
      followUpId: p.followUpId,
      createdAt: at,
    });
    await this.tickets.addMessage(manager, tenantId, ticket.id, {
      messageId: p.followUpId,
      direction: 'inbound',
      channel: ticket.channel,
      author: 'feedback',
      subject,
      body: p.summary ? `${p.reason}\n\n${p.summary}` : p.reason,
      internal: true,
      at: at.toISOString(),
    });
    const link = { followUpId: p.followUpId, sourceId: p.sourceId, reason: p.reason, legal: p.legal };
    await this.tickets.record(
      manager,
      tenantId,
      ticket.id,
      'ticket.created',
      { ...link, followUpOf: original?.id ?? null },
      'feedback',
      at,
    );
    await this.tickets.record(
      manager,
      tenantId,
      ticket.id,
      'ticket.classified',
      { ...classification },
      null,
      at,
    );
    if (original) {
      await this.tickets.update(manager, original, { linkedTicketId: ticket.id });
      await this.tickets.record(
        manager,
        tenantId,
        original.id,
        'follow-up.opened',
        { ...link, ticketId: ticket.id },
        'feedback',
        at,
      );
    }
    const view = toTicketSlaView(clocks.sla);
    const sla = { firstResponseDueAt: view.firstResponseDueAt, resolutionDueAt: view.resolutionDueAt };
    await this.publisher.publishAll(manager, [
      {
        type: 'ticket.created',
        tenantId,
        aggregateId: ticket.id,
        payload: {
          ticketId: ticket.id,
          messageId: p.followUpId,
          conversationId: ticket.conversationId,
          customerId,
          customerTier: ticket.customerTier,
          channel: ticket.channel,
          subject,
          body: p.summary ?? p.reason,
          language: ticket.language,
          priority,
          category: 'complaint',
          queue: COMPLAINTS_QUEUE_ID,
          status: 'new',
          sla,
          createdAt: ticket.createdAt,
          followUpOf: original?.id ?? null,
          followUpId: p.followUpId,
        },
      },
      {
        type: 'ticket.classified',
        tenantId,
        aggregateId: ticket.id,
        payload: { ticketId: ticket.id, classification: contractClassification(ticket), sla },
      },
    ]);
    const why = original
      ? `follow-up of ticket ${original.id}: ${p.reason}`
      : `follow-up for customer ${customerId}: ${p.reason}`;
    const plan = await this.router.planInQueue(manager, ticket, COMPLAINTS_QUEUE_ID, 'given', why);
    ticket = await this.router.route(manager, ticket, plan, at);
  }
}
