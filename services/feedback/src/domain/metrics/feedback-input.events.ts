/**
 * The events the metrics read model consumes, as this domain reads them. The shared contracts
 * library mirrors these shapes; times are ISO-8601 UTC strings on the wire.
 */
export interface InputEventEnvelope<TType extends string, TPayload> {
  readonly id: string;
  readonly type: TType;
  readonly version?: number;
  readonly occurredAt: string;
  readonly tenantId: string;
  readonly aggregateId: string;
  readonly payload: TPayload;
}

export type TicketPriority = 'P1' | 'P2' | 'P3' | 'P4';
export const TICKET_PRIORITIES: readonly TicketPriority[] = ['P1', 'P2', 'P3', 'P4'];

/** Deadlines as triage announced them; a later announcement (re-classification) replaces an earlier one. */
export interface SlaDueTimes {
  readonly firstResponseDueAt?: string;
  readonly resolutionDueAt?: string;
}

export interface TicketCreatedPayload {
  readonly ticketId: string;
  readonly customerId: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly priority: TicketPriority;
  readonly queue?: string | null;
  readonly createdAt: string;
  readonly sla?: SlaDueTimes;
}

export interface TicketClassifiedPayload {
  readonly ticketId: string;
  readonly classification: { readonly priority: TicketPriority } & Readonly<Record<string, unknown>>;
  readonly sla?: SlaDueTimes;
}

export interface TicketRoutedPayload {
  readonly ticketId: string;
  readonly queue: string;
}

export interface TicketAssignedPayload {
  readonly ticketId: string;
  readonly agentId: string;
  /** Absent or null: the ticket stays in the queue it was in. */
  readonly queue?: string | null;
}

export interface TicketRepliedPayload {
  readonly ticketId: string;
  readonly agentId?: string | null;
  /** Internal notes never reach the customer and count for nothing here. */
  readonly internal: boolean;
  readonly firstResponse: boolean;
  readonly at: string;
  /** Business minutes on the ticket's calendar from creation to this reply. */
  readonly businessMinutesSinceCreated?: number;
  readonly wallMinutesSinceCreated?: number;
  /** Sent by self-service (an accepted auto-answer), not by a person. */
  readonly automated?: boolean;
}

export interface TicketPendingPayload {
  readonly ticketId: string;
  readonly at: string;
}

export interface TicketResolvedPayload {
  readonly ticketId: string;
  readonly at: string;
  /** Wall-clock minutes from creation to this resolution, pauses included; derived from the timestamps when absent. */
  readonly wallMinutesSinceCreated?: number;
  /** Business minutes the SLA resolution clock ran from creation to this resolution (paused time already excluded). */
  readonly businessMinutesSinceCreated?: number;
  /** Wall-clock minutes the ticket spent paused (pending on the customer) since creation, in total. */
  readonly pausedMinutes?: number;
}

export interface TicketReopenedPayload {
  readonly ticketId: string;
  readonly at: string;
}

export interface TicketPriorityCorrectedPayload {
  readonly ticketId: string;
  readonly from: TicketPriority;
  readonly to: TicketPriority;
  /** A correction may move the ticket to another queue at the same time. */
  readonly queueTo?: string | null;
  readonly reason: string;
}

export type SlaClock = 'firstResponse' | 'resolution';

export interface TicketSlaBreachedPayload {
  readonly ticketId: string;
  readonly clock: SlaClock;
  readonly dueAt: string;
}

export interface AutoAnswerProposedPayload {
  readonly ticketId: string;
  readonly articleId: string;
  readonly confidence: number;
}

export interface SurveyCompletedPayload {
  readonly surveyId: string;
  readonly ticketId: string;
  readonly csat?: number;
  readonly nps?: number;
  readonly comment?: string;
}

export type TicketCreatedEvent = InputEventEnvelope<'ticket.created', TicketCreatedPayload>;
export type TicketClassifiedEvent = InputEventEnvelope<'ticket.classified', TicketClassifiedPayload>;
export type TicketRoutedEvent = InputEventEnvelope<'ticket.routed', TicketRoutedPayload>;
export type TicketAssignedEvent = InputEventEnvelope<'ticket.assigned', TicketAssignedPayload>;
export type TicketRepliedEvent = InputEventEnvelope<'ticket.replied', TicketRepliedPayload>;
export type TicketPendingEvent = InputEventEnvelope<'ticket.pending', TicketPendingPayload>;
export type TicketResolvedEvent = InputEventEnvelope<'ticket.resolved', TicketResolvedPayload>;
export type TicketReopenedEvent = InputEventEnvelope<'ticket.reopened', TicketReopenedPayload>;
export type TicketPriorityCorrectedEvent = InputEventEnvelope<
  'ticket.priority-corrected',
  TicketPriorityCorrectedPayload
>;
export type TicketSlaBreachedEvent = InputEventEnvelope<'ticket.sla-breached', TicketSlaBreachedPayload>;
export type AutoAnswerProposedEvent = InputEventEnvelope<'auto-answer.proposed', AutoAnswerProposedPayload>;
export type SurveyCompletedEvent = InputEventEnvelope<'survey.completed', SurveyCompletedPayload>;

export type MetricsInputEvent =
  | TicketCreatedEvent
  | TicketClassifiedEvent
  | TicketRoutedEvent
  | TicketAssignedEvent
  | TicketRepliedEvent
  | TicketPendingEvent
  | TicketResolvedEvent
  | TicketReopenedEvent
  | TicketPriorityCorrectedEvent
  | TicketSlaBreachedEvent
  | AutoAnswerProposedEvent
  | SurveyCompletedEvent;

export type MetricsInputEventType = MetricsInputEvent['type'];

export const METRICS_INPUT_EVENT_TYPES: readonly MetricsInputEventType[] = [
  'ticket.created',
  'ticket.classified',
  'ticket.routed',
  'ticket.assigned',
  'ticket.replied',
  'ticket.pending',
  'ticket.resolved',
  'ticket.reopened',
  'ticket.priority-corrected',
  'ticket.sla-breached',
  'auto-answer.proposed',
  'survey.completed',
];
