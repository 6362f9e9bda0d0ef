import { IsIn, IsISO8601, IsOptional, IsString, IsUUID } from 'class-validator';
import { CHANNELS, type Channel } from '../common';

/** A reply went out over the customer's channel. */
export class MessageDeliveredV1 {
  static readonly type = 'message.delivered';
  static readonly version = 1;
  @IsUUID() messageId!: string;
  @IsUUID() conversationId!: string;
  @IsOptional() @IsString() replyId?: string;
  @IsOptional() @IsString() ticketId?: string;
  @IsIn(CHANNELS) channel!: Channel;
  @IsISO8601() deliveredAt!: string;
}
