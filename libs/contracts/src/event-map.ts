import { TOPICS, type TopicName } from './topics';
import { MessageReceivedV1 } from './ingestion/message-received.event';
import { MessageDeliveredV1 } from './ingestion/message-delivered.event';
import { MessageDeliveryFailedV1 } from './ingestion/message-delivery-failed.event';
import { CustomerCreatedV1, CustomerMergedV1, CustomerUpdatedV1 } from './ingestion/customer-changed.event';
import { TicketCreatedV1 } from './triage/ticket-created.event';
import {
  TicketAssignedV1, TicketClassifiedV1, TicketClosedV1, TicketMessageAddedV1, TicketPendingV1, TicketPriorityCorrectedV1,
  TicketReopenedV1, TicketRepliedV1, TicketResolvedV1, TicketResumedV1, TicketRoutedV1, TicketSlaBreachedV1,
  TicketSlaWarningV1, TicketUnassignedV1,
} from './triage/ticket-lifecycle.event';
import { ReplyRequestedV1 } from './triage/reply-requested.event';
import { AutoAnswerProposedV1, SuggestionsReadyV1 } from './knowledge/suggestions.event';
import { ArticleChangedV1, ArticleFeedbackRecordedV1, SynonymsChangedV1 } from './knowledge/article.event';
import {
  ComplaintReceivedV1, FollowUpRequestedV1, SurveyCompletedV1, SurveyRequestedV1,
} from './feedback/feedback.event';
import { ApiKeyIssuedV1, ApiKeyRevokedV1 } from './platform/api-key.event';

interface EventDefinition<P> {
  readonly topic: TopicName;
  readonly version: number;
  readonly payload: new () => P;
}

const def = <P>(topic: TopicName, payload: (new () => P) & { version: number }): EventDefinition<P> => ({
  topic,
  version: payload.version,
  payload,
});

/** Every event type on the wire, its topic, version and payload class: publishing and consuming are type-checked. */
export const EVENTS = {
  'message.received': def(TOPICS.ingestionMessages, MessageReceivedV1),
  'message.delivered': def(TOPICS.ingestionMessages, MessageDeliveredV1),
  'message.delivery-failed': def(TOPICS.ingestionMessages, MessageDeliveryFailedV1),
  'customer.created': def(TOPICS.ingestionCustomers, CustomerCreatedV1),
  'customer.updated': def(TOPICS.ingestionCustomers, CustomerUpdatedV1),
  'customer.merged': def(TOPICS.ingestionCustomers, CustomerMergedV1),
  'ticket.created': def(TOPICS.triageTickets, TicketCreatedV1),
  'ticket.message-added': def(TOPICS.triageTickets, TicketMessageAddedV1),
  'ticket.classified': def(TOPICS.triageTickets, TicketClassifiedV1),
  'ticket.routed': def(TOPICS.triageTickets, TicketRoutedV1),
  'ticket.assigned': def(TOPICS.triageTickets, TicketAssignedV1),
  'ticket.replied': def(TOPICS.triageTickets, TicketRepliedV1),
  'ticket.pending': def(TOPICS.triageTickets, TicketPendingV1),
  'ticket.resolved': def(TOPICS.triageTickets, TicketResolvedV1),
  'ticket.reopened': def(TOPICS.triageTickets, TicketReopenedV1),
  'ticket.resumed': def(TOPICS.triageTickets, TicketResumedV1),
  'ticket.closed': def(TOPICS.triageTickets, TicketClosedV1),
  'ticket.unassigned': def(TOPICS.triageTickets, TicketUnassignedV1),
  'ticket.priority-corrected': def(TOPICS.triageTickets, TicketPriorityCorrectedV1),
  'ticket.sla-warning': def(TOPICS.triageTickets, TicketSlaWarningV1),
  'ticket.sla-breached': def(TOPICS.triageTickets, TicketSlaBreachedV1),
  'reply.requested': def(TOPICS.triageReplies, ReplyRequestedV1),
  'suggestions.ready': def(TOPICS.knowledgeSuggestions, SuggestionsReadyV1),
  'auto-answer.proposed': def(TOPICS.knowledgeSuggestions, AutoAnswerProposedV1),
  'article.changed': def(TOPICS.knowledgeArticles, ArticleChangedV1),
  'article.feedback-recorded': def(TOPICS.knowledgeArticles, ArticleFeedbackRecordedV1),
  'synonyms.changed': def(TOPICS.knowledgeArticles, SynonymsChangedV1),
  'survey.requested': def(TOPICS.feedbackResponses, SurveyRequestedV1),
  'survey.completed': def(TOPICS.feedbackResponses, SurveyCompletedV1),
  'complaint.received': def(TOPICS.feedbackResponses, ComplaintReceivedV1),
  'follow-up.requested': def(TOPICS.feedbackResponses, FollowUpRequestedV1),
  'api-key.issued': def(TOPICS.platformApiKeys, ApiKeyIssuedV1),
  'api-key.revoked': def(TOPICS.platformApiKeys, ApiKeyRevokedV1),
} as const;

export type EventType = keyof typeof EVENTS;
type DefinitionOf<T extends EventType> = (typeof EVENTS)[T];
export type PayloadOf<T extends EventType> = DefinitionOf<T> extends EventDefinition<infer P> ? P : never;

export const isEventType = (value: string): value is EventType => Object.hasOwn(EVENTS, value);

export const eventTypesOnTopic = (topic: TopicName): EventType[] =>
  (Object.keys(EVENTS) as EventType[]).filter((t) => EVENTS[t].topic === topic);
