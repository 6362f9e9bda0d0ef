import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CHANNELS, type Channel } from '../common';

export const REPLY_KINDS = ['agent', 'auto-answer', 'survey', 'notification'] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];

/** Triage asks ingestion to deliver a reply over the conversation's channel. */
export class ReplyRequestedV1 {
  static readonly type = 'reply.requested';
  static readonly version = 1;
  @IsUUID() replyId!: string;
  @IsOptional() @IsUUID() ticketId?: string | null;
  @IsUUID() conversationId!: string;
  @IsUUID() customerId!: string;
  @IsIn(CHANNELS) channel!: Channel;
  @IsString() @MaxLength(20000) body!: string;
  @IsOptional() @IsString() subject?: string | null;
  @IsOptional() @IsString() agentId?: string | null;
  @IsIn(REPLY_KINDS) kind!: ReplyKind;
}
