import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { CHANNELS, type Channel } from '../common';

/** A reply could not be delivered; `final` means it went to the dead-letter path. */
export class MessageDeliveryFailedV1 {
  static readonly type = 'message.delivery-failed';
  static readonly version = 1;
  @IsUUID() messageId!: string;
  @IsUUID() conversationId!: string;
  @IsOptional() @IsString() replyId?: string;
  @IsOptional() @IsString() ticketId?: string;
  @IsIn(CHANNELS) channel!: Channel;
  @IsString() reason!: string;
  @IsInt() @Min(1) attempts!: number;
  @IsBoolean() final!: boolean;
}
