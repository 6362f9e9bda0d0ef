import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import {
  CHANNELS, CUSTOMER_TIERS, LANGUAGES, PRIORITIES, TICKET_STATUSES,
  type Channel, type CustomerTier, type Language, type Priority, type TicketStatus,
} from '../common';
import { SlaDueV1 } from '../shared-payloads';

/** A new ticket was opened from an inbound message. */
export class TicketCreatedV1 {
  static readonly type = 'ticket.created';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsUUID() messageId!: string;
  @IsUUID() conversationId!: string;
  @IsUUID() customerId!: string;
  @IsOptional() @IsIn(CUSTOMER_TIERS) customerTier?: CustomerTier;
  @IsIn(CHANNELS) channel!: Channel;
  @IsOptional() @IsString() @MaxLength(1000) subject?: string | null;
  @IsString() @MaxLength(20000) body!: string;
  @IsIn(LANGUAGES) language!: Language;
  @IsIn(PRIORITIES) priority!: Priority;
  @IsOptional() @IsString() category?: string | null;
  @IsOptional() @IsString() queue?: string | null;
  @IsIn(TICKET_STATUSES) status!: TicketStatus;
  @IsOptional() @ValidateNested() @Type(() => SlaDueV1) sla?: SlaDueV1;
  @IsISO8601() createdAt!: string;
  /** Set on a follow-up ticket opened for a bad experience on an earlier ticket. */
  @IsOptional() @IsUUID() followUpOf?: string | null;
  /** The feedback follow-up request this ticket was opened for. */
  @IsOptional() @IsUUID() followUpId?: string | null;
}
