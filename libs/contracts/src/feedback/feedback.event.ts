import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min,
} from 'class-validator';
import { CHANNELS, PRIORITIES, type Channel, type Priority } from '../common';

export class SurveyRequestedV1 {
  static readonly type = 'survey.requested';
  static readonly version = 1;
  @IsUUID() surveyId!: string;
  @IsUUID() ticketId!: string;
  @IsUUID() customerId!: string;
  @IsUUID() conversationId!: string;
  @IsIn(CHANNELS) channel!: Channel;
  @IsISO8601() expiresAt!: string;
}

export class SurveyCompletedV1 {
  static readonly type = 'survey.completed';
  static readonly version = 1;
  @IsUUID() surveyId!: string;
  @IsUUID() ticketId!: string;
  @IsOptional() @IsInt() @Min(1) @Max(5) csat?: number | null;
  @IsOptional() @IsInt() @Min(0) @Max(10) nps?: number | null;
  @IsOptional() @IsString() @MaxLength(2000) comment?: string | null;
}

export class ComplaintReceivedV1 {
  static readonly type = 'complaint.received';
  static readonly version = 1;
  @IsUUID() complaintId!: string;
  @IsOptional() @IsUUID() ticketId?: string | null;
  @IsOptional() @IsUUID() customerId?: string | null;
  @IsIn(CHANNELS) channel!: Channel;
  @IsString() @MaxLength(20000) body!: string;
}

export const FOLLOW_UP_SOURCES = ['survey', 'complaint'] as const;
export type FollowUpSource = (typeof FOLLOW_UP_SOURCES)[number];

/** A bad experience needs a person: triage opens a linked follow-up ticket. */
export class FollowUpRequestedV1 {
  static readonly type = 'follow-up.requested';
  static readonly version = 1;
  @IsUUID() followUpId!: string;
  @IsOptional() @IsUUID() ticketId?: string | null;
  @IsOptional() @IsUUID() customerId?: string | null;
  @IsString() reason!: string;
  @IsIn(PRIORITIES) priority!: Priority;
  @IsBoolean() legal!: boolean;
  @IsString() sourceId!: string;
  /** What raised it: a survey answer or a complaint (sourceId is the survey or complaint id). */
  @IsOptional() @IsIn(FOLLOW_UP_SOURCES) sourceKind?: FollowUpSource | null;
  /** Machine-readable reasons: low-csat, detractor-negative-comment, complaint-in-comment, complaint. */
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) reasons?: string[];
  /** Where the customer can be reached: the original ticket's conversation and channel when known. */
  @IsOptional() @IsUUID() conversationId?: string | null;
  @IsOptional() @IsIn(CHANNELS) channel?: Channel | null;
  /** The customer's own words (survey comment or complaint body), for the follow-up ticket. */
  @IsOptional() @IsString() @MaxLength(20000) summary?: string | null;
  /** Phrases that triggered it (negative, complaint, legal/media words). */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) evidence?: string[];
}
