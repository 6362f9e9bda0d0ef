import { Type } from 'class-transformer';
import {
  IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested,
} from 'class-validator';
import { CHANNELS, CUSTOMER_TIERS, LANGUAGES, type Channel, type CustomerTier, type Language } from '../common';
import { AttachmentV1 } from '../shared-payloads';

export const MESSAGE_KINDS = ['message', 'callback-request', 'survey-response'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export class MessageCustomerV1 {
  @IsUUID() customerId!: string;
  @IsIn(CUSTOMER_TIERS) tier!: CustomerTier;
  @IsOptional() @IsString() name?: string | null;
}

/** An inbound customer message, normalised from whatever channel it came by. */
export class MessageReceivedV1 {
  static readonly type = 'message.received';
  static readonly version = 1;
  @IsUUID() messageId!: string;
  @IsUUID() conversationId!: string;
  @ValidateNested() @Type(() => MessageCustomerV1) customer!: MessageCustomerV1;
  @IsIn(CHANNELS) channel!: Channel;
  @IsOptional() @IsIn(MESSAGE_KINDS) kind?: MessageKind;
  @IsOptional() @IsString() @MaxLength(1000) subject?: string | null;
  @IsString() @MinLength(0) @MaxLength(20000) body!: string;
  @IsIn(LANGUAGES) language!: Language;
  @IsArray() @ValidateNested({ each: true }) @Type(() => AttachmentV1) attachments!: AttachmentV1[];
  @IsOptional() @IsString() externalMessageId?: string | null;
  @IsISO8601() receivedAt!: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}
