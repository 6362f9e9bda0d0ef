import { toTicketSlaView, type TicketSlaView } from '../domain/sla';
import type { Ticket } from '../domain/ticket';
import type { TicketMessage, TimelineEntry } from '../infrastructure/ticket.repository';

/** A ticket as api.md shows it (list items); the single-ticket view adds messages and events. */
export interface TicketView {
  id: string;
  customerId: string;
  customerTier: Ticket['customerTier'];
  conversationId: string;
  channel: Ticket['channel'];
  subject: string | null;
  language: Ticket['language'];
  status: Ticket['status'];
  priority: Ticket['priority'];
  prioritySource: Ticket['prioritySource'];
  category: string | null;
  classification: Ticket['classification'];
  queue: string | null;
  assigneeId: string | null;
  sla: TicketSlaView | null;
  waitingSince: string | null;
  routing: Ticket['routing'];
  followUpOf: string | null;
  linkedTicketId: string | null;
  autoAnsweredAt: string | null;
  resolutionCode: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
}

export type TicketDetailView = TicketView & { messages: TicketMessage[]; events: TimelineEntry[] };

export function toTicketView(t: Ticket): TicketView {
  return {
    id: t.id,
    customerId: t.customerId,
    customerTier: t.customerTier,
    conversationId: t.conversationId,
    channel: t.channel,
    subject: t.subject,
    language: t.language,
    status: t.status,
    priority: t.priority,
    prioritySource: t.prioritySource,
    category: t.category,
    classification: t.classification,
    queue: t.queue,
    assigneeId: t.assigneeId,
    sla: t.sla ? toTicketSlaView(t.sla) : null,
    waitingSince: t.waitingSince,
    routing: t.routing,
    followUpOf: t.followUpOf,
    linkedTicketId: t.linkedTicketId,
    autoAnsweredAt: t.autoAnsweredAt,
    resolutionCode: t.resolutionCode,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    resolvedAt: t.resolvedAt,
    closedAt: t.closedAt,
  };
}
