import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import { ChunkLookups, EventPublisher, aloneInChunk } from '@helpdesk/messaging';
import { changeTicketSlaPriority, priorityRank, toTicketSlaView } from '../domain/sla';
import { decideFollowUp, isBareScore, type Ticket } from '../domain/ticket';
import { TriageConfig } from '../config';
import { TicketRepository, type TicketMessage } from '../infrastructure/ticket.repository';
import { ReopenTicketUseCase } from './reopen-ticket.usecase';
import { TenantClassifiers } from './tenant-classifiers.service';
import { queuedBy, TicketRouter } from './ticket-router.service';
import { TicketSlaService } from './ticket-sla.service';

type MessageReceived = EventEnvelope<'message.received', PayloadOf<'message.received'>>;

interface ConversationTickets {
  latest: Ticket | null;
  recentOfCustomer: number;
}

/**
 * Turns an inbound message into ticket work: a new conversation opens a ticket (classified, SLA clocks
 * started, routed); a follow-up joins the open one (a pending ticket becomes active again, a repeated
 * contact can raise the priority) or reopens a recently resolved one. Runs in the consumer's inbox transaction.
 */
@Injectable()
export class IntakeMessageUseCase {
  private readonly lookups = new ChunkLookups<ConversationTickets>();

  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly classifiers: TenantClassifiers,
    private readonly router: TicketRouter,
    private readonly sla: TicketSlaService,
    private readonly config: TriageConfig,
    private readonly reopening: ReopenTicketUseCase,
  ) {}

  /**
   * Reads the tickets of a chunk's messages in one statement. Only for messages whose conversation and
   * customer no other message of the chunk shares: an earlier message's new ticket changes what a later
   * one of the same conversation or customer must see, so those read for themselves when their turn comes.
   */
  async prefetch(manager: EntityManager, events: readonly MessageReceived[]): Promise<void> {
    const alone = aloneInChunk(events, (e) => [`c:${e.tenantId}:${e.payload.conversationId}`, `u:${e.tenantId}:${e.payload.customer.customerId}`]);
    if (alone.length < 2) return;
    const found = await this.tickets.latestOfConversationsCounting(
      manager,
      alone.map((e) => ({ tenantId: e.tenantId, conversationId: e.payload.conversationId, customerId: e.payload.customer.customerId, since: this.repeatWindowStart(e) })),
    );
    this.lookups.remember(manager, alone.map((e, i) => [e.id, found[i]] as const));
  }

  async execute(manager: EntityManager, event: MessageReceived): Promise<void> {
    const { tenantId } = event;
    const m = event.payload;
    const at = new Date(m.receivedAt);
    const { latest, recentOfCustomer } =
      this.lookups.take(manager, event.id) ??
      (await this.tickets.latestOfConversationCounting(manager, tenantId, m.conversationId, m.customer.customerId, this.repeatWindowStart(event)));
    const decision = decideFollowUp(latest, at, this.config.REOPEN_WINDOW_HOURS);
    const message: TicketMessage = {
      messageId: m.messageId,
      direction: 'inbound',
      channel: m.channel,
      author: m.customer.customerId,
      subject: m.subject ?? null,
      body: m.body,
      internal: false,
      at: m.receivedAt,
    };

    // Survey answers belong to feedback: they neither open nor reopen a ticket, but stay on the latest one.
    const surveyAnswer = m.kind === 'survey-response' || (decision.kind === 'reopen' && isBareScore(m.body));
    if (surveyAnswer && (!latest || decision.kind === 'new')) return;
    if (decision.kind === 'new' || !latest) {
      await this.open(manager, event, message, at, recentOfCustomer);
      return;
    }
    if (!(await this.tickets.addMessage(manager, tenantId, latest.id, message))) return;
    await this.tickets.record(
      manager,
      tenantId,
      latest.id,
      'message.added',
      { messageId: m.messageId, channel: m.channel, ...(surveyAnswer ? { surveyAnswer: true } : {}) },
      m.customer.customerId,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.message-added',
      tenantId,
      aggregateId: latest.id,
      payload: {
        ticketId: latest.id,
        messageId: m.messageId,
        conversationId: m.conversationId,
        at: m.receivedAt,
      },
    });
    if (surveyAnswer) return;
    if (decision.kind === 'reopen')
      await this.reopening.reopen(manager, latest, at, m.customer.customerId, 'customer wrote again');
    else if (latest.status === 'pending') {
      const reason = latest.autoAnsweredAt
        ? 'customer wrote again after the automatic answer: routed to a person'
        : 'customer answered';
      await this.reopening.resume(manager, latest, at, m.customer.customerId, reason);
    } else await this.reconsiderPriority(manager, latest, m.body, at);
  }

  /** Tickets of the customer opened since then count as earlier contacts. */
  private repeatWindowStart(event: MessageReceived): Date {
    return new Date(new Date(event.payload.receivedAt).getTime() - this.config.REPEAT_CONTACT_WINDOW_HOURS * 3600_000);
  }

  private async open(
    manager: EntityManager,
    event: MessageReceived,
    message: TicketMessage,
    at: Date,
    earlier: number,
  ): Promise<void> {
    const { tenantId } = event;
    const m = event.payload;
    const { classification, learnedQueue } = await this.classifiers.classify(tenantId, {
      ...(m.subject ? { subject: m.subject } : {}),
      body: m.body,
      channel: m.channel,
      customerTier: m.customer.tier,
      language: m.language,
      contactCount: earlier + 1,
    });
    const clocks = await this.sla.start(manager, tenantId, classification.priority, at);
    const plan = await this.router.planFor(
      manager,
      {
        tenantId,
        category: classification.category,
        customerTier: m.customer.tier,
        priority: classification.priority,
        language: m.language,
        channel: m.channel,
        classification,
      },
      learnedQueue,
    );
    // Written already in its queue: routing then only looks for an agent.
    const { queue, routing, waitingSince } = queuedBy(plan, at.toISOString());
    let ticket = await this.tickets.insert(manager, {
      tenantId,
      customerId: m.customer.customerId,
      customerTier: m.customer.tier,
      conversationId: m.conversationId,
      channel: m.channel,
      subject: m.subject ?? null,
      language: m.language,
      status: 'new',
      priority: classification.priority,
      prioritySource: 'classifier',
      category: classification.category,
      queue,
      routing,
      waitingSince,
      assigneeId: null,
      classification,
      sla: clocks.sla,
      slaCalendarId: clocks.calendarId,
      nextSlaEventAt: clocks.nextSlaEventAt,
      followUpOf: null,
      followUpId: null,
      createdAt: at,
    }, message);
    const slaView = toTicketSlaView(clocks.sla);
    const slaDue = {
      firstResponseDueAt: slaView.firstResponseDueAt,
      resolutionDueAt: slaView.resolutionDueAt,
    };
    await this.tickets.recordAll(manager, tenantId, ticket.id, [
      { type: 'ticket.created', data: { messageId: m.messageId, channel: m.channel, contactCount: earlier + 1 }, at },
      { type: 'ticket.classified', data: { ...classification }, at },
      { type: 'sla.started', data: { ...slaView, calendarId: clocks.calendarId }, at },
    ]);
    await this.publisher.publishAll(manager, [
      {
        type: 'ticket.created',
        tenantId,
        aggregateId: ticket.id,
        payload: {
          ticketId: ticket.id,
          messageId: m.messageId,
          conversationId: m.conversationId,
          customerId: m.customer.customerId,
          customerTier: m.customer.tier,
          channel: m.channel,
          subject: m.subject ?? null,
          body: m.body,
          language: m.language,
          priority: ticket.priority,
          category: ticket.category,
          queue: plan.queueId,
          status: ticket.status,
          sla: slaDue,
          createdAt: ticket.createdAt,
          // Said outright, so feedback need not look for a follow-up request this ticket answers.
          followUpOf: null,
          followUpId: null,
        },
      },
      {
        type: 'ticket.classified',
        tenantId,
        aggregateId: ticket.id,
        payload: { ticketId: ticket.id, classification: contractClassification(ticket), sla: slaDue },
      },
    ]);
    ticket = await this.router.route(manager, ticket, plan, at);
    // A message that arrived long after it was sent may already be due a warning or breach.
    if (ticket.nextSlaEventAt && Date.parse(ticket.nextSlaEventAt) <= Date.now()) {
      await this.sla.apply(manager, ticket, (state) => ({ state, events: [] }), at);
    }
  }

  /**
   * Another message on an open ticket: chasing counts as urgency (repeated contact, time waited). The
   * priority only rises automatically, and never over a person's override or an escalation.
   */
  private async reconsiderPriority(
    manager: EntityManager,
    ticket: Ticket,
    body: string,
    at: Date,
  ): Promise<void> {
    if (ticket.prioritySource !== 'classifier') return;
    const { first, inbound: contacts } = await this.tickets.firstInboundCounting(manager, ticket.tenantId, ticket.id);
    const waiting = ticket.sla?.firstResponse.status !== 'stopped';
    const { classification } = await this.classifiers.classify(ticket.tenantId, {
      ...(ticket.subject ? { subject: ticket.subject } : {}),
      body: first && first.body !== body ? `${first.body}\n${body}` : body,
      channel: ticket.channel,
      customerTier: ticket.customerTier,
      language: ticket.language,
      contactCount: contacts,
      ...(waiting
        ? { waitedMinutes: Math.max(0, (at.getTime() - Date.parse(ticket.createdAt)) / 60_000) }
        : {}),
    });
    if (priorityRank(classification.priority) >= priorityRank(ticket.priority)) return;
    let current = await this.tickets.update(manager, ticket, {
      priority: classification.priority,
      classification,
      category: ticket.category ?? classification.category,
    });
    current = await this.sla.apply(
      manager,
      current,
      (state, ctx) =>
        changeTicketSlaPriority(
          state,
          { policy: ctx.policy, priority: classification.priority },
          at,
          ctx.calendar,
        ),
      at,
    );
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.classified',
      { ...classification, previousPriority: ticket.priority, reason: 'customer wrote again' },
      null,
      at,
    );
    const view = current.sla ? toTicketSlaView(current.sla) : null;
    await this.publisher.publish(manager, {
      type: 'ticket.classified',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: {
        ticketId: ticket.id,
        classification: contractClassification(current),
        ...(view
          ? { sla: { firstResponseDueAt: view.firstResponseDueAt, resolutionDueAt: view.resolutionDueAt } }
          : {}),
      },
    });
  }
}

/** The classification exactly as the event contract lists it. */
export function contractClassification(ticket: Ticket): PayloadOf<'ticket.classified'>['classification'] {
  const c = ticket.classification;
  if (!c) {
    const urgent = ticket.priority === 'P1' || ticket.priority === 'P2';
    const important = ticket.priority === 'P1' || ticket.priority === 'P3';
    return {
      priority: ticket.priority,
      urgent,
      important,
      category: ticket.category ?? 'general',
      confidence: 1,
      reasons: [],
      modelVersion: 'none',
    };
  }
  return {
    priority: c.priority,
    urgent: c.urgent,
    important: c.important,
    category: c.category,
    confidence: c.confidence,
    reasons: c.reasons.map((r) => ({ signal: r.signal, weight: r.weight, evidence: r.evidence })),
    modelVersion: c.modelVersion,
  };
}
