import { Type } from 'class-transformer';
import {
  IsBoolean, IsIn, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, ValidateNested,
} from 'class-validator';
import { PRIORITIES, TICKET_STATUSES, type Priority, type TicketStatus } from '../common';
import { ClassificationV1, SlaDueV1 } from '../shared-payloads';

/** A follow-up message joined an existing ticket. */
export class TicketMessageAddedV1 {
  static readonly type = 'ticket.message-added';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsUUID() messageId!: string;
  @IsUUID() conversationId!: string;
  @IsISO8601() at!: string;
}

export class TicketClassifiedV1 {
  static readonly type = 'ticket.classified';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @ValidateNested() @Type(() => ClassificationV1) classification!: ClassificationV1;
  @IsOptional() @ValidateNested() @Type(() => SlaDueV1) sla?: SlaDueV1;
}

export class TicketRoutedV1 {
  static readonly type = 'ticket.routed';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsString() queue!: string;
  @IsString() reason!: string;
}

export class TicketAssignedV1 {
  static readonly type = 'ticket.assigned';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsString() agentId!: string;
  @IsOptional() @IsString() queue?: string | null;
  @IsString() reason!: string;
}

export class TicketRepliedV1 {
  static readonly type = 'ticket.replied';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsUUID() replyId!: string;
  @IsOptional() @IsString() agentId?: string | null;
  @IsBoolean() internal!: boolean;
  @IsBoolean() firstResponse!: boolean;
  @IsOptional() @IsBoolean() automated?: boolean;
  @IsISO8601() at!: string;
  @IsOptional() @IsNumber() wallMinutesSinceCreated?: number;
  @IsOptional() @IsNumber() businessMinutesSinceCreated?: number;
}

export class TicketPendingV1 {
  static readonly type = 'ticket.pending';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsISO8601() at!: string;
}

export class TicketResolvedV1 {
  static readonly type = 'ticket.resolved';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsISO8601() at!: string;
  @IsOptional() @IsString() resolutionCode?: string | null;
  @IsOptional() @IsNumber() wallMinutesSinceCreated?: number;
  @IsOptional() @IsNumber() businessMinutesSinceCreated?: number;
  @IsOptional() @IsNumber() pausedMinutes?: number;
}

export class TicketReopenedV1 {
  static readonly type = 'ticket.reopened';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsISO8601() at!: string;
  @IsString() reason!: string;
}

/** A pending ticket is active again (the customer answered, or an agent took it off pending). */
export class TicketResumedV1 {
  static readonly type = 'ticket.resumed';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsISO8601() at!: string;
  @IsIn(TICKET_STATUSES) status!: TicketStatus;
  @IsString() reason!: string;
}

/** A resolved ticket is closed for good: later messages open a new ticket. */
export class TicketClosedV1 {
  static readonly type = 'ticket.closed';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsISO8601() at!: string;
  @IsString() reason!: string;
}

/** The ticket left its agent (reassigned, moved to another queue, answered automatically); capacity was freed. */
export class TicketUnassignedV1 {
  static readonly type = 'ticket.unassigned';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsString() agentId!: string;
  @IsString() reason!: string;
}

/** A person overrode the classifier; it becomes a labelled example. */
export class TicketPriorityCorrectedV1 {
  static readonly type = 'ticket.priority-corrected';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsIn(PRIORITIES) from!: Priority;
  @IsIn(PRIORITIES) to!: Priority;
  @IsOptional() @IsString() queueFrom?: string | null;
  @IsOptional() @IsString() queueTo?: string | null;
  @IsString() reason!: string;
  @IsOptional() @IsString() by?: string | null;
}

export const SLA_CLOCKS = ['firstResponse', 'resolution'] as const;
export type SlaClockName = (typeof SLA_CLOCKS)[number];

export class TicketSlaWarningV1 {
  static readonly type = 'ticket.sla-warning';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsIn(SLA_CLOCKS) clock!: SlaClockName;
  @IsISO8601() dueAt!: string;
}

export class TicketSlaBreachedV1 {
  static readonly type = 'ticket.sla-breached';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsIn(SLA_CLOCKS) clock!: SlaClockName;
  @IsISO8601() dueAt!: string;
  @IsISO8601() breachedAt!: string;
  @IsOptional() @IsIn(PRIORITIES) escalatedTo?: Priority;
}
