import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import {
  MAX_EVENT_PATTERNS,
  MAX_WEBHOOK_URL_LENGTH,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_PATTERNS,
  type WebhookDeliveryStatus,
} from '../domain/webhooks/webhook-subscription';
import { PageQueryDto } from './conversations.controller';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://crm.example.com/hooks/helpdesk',
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    description: 'http or https; loopback and private addresses only where the deployment allows them',
  })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: [...WEBHOOK_EVENT_PATTERNS] },
    minItems: 1,
    maxItems: MAX_EVENT_PATTERNS,
    example: ['ticket.*', 'customer.merged', 'survey.completed'],
    description: '"*" for every offered event, "<family>.*" for a family (ticket, customer, message, survey, complaint, follow-up), or single types',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_PATTERNS)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({ example: 'Salesforce sync', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: true, description: 'Inactive subscriptions get no new deliveries and hold queued ones' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ReplaceWebhookDto extends CreateWebhookDto {
  @ApiPropertyOptional({
    default: false,
    description: 'Issue a new signing secret, returned in this answer only; the old one stops signing at once',
  })
  @IsOptional()
  @IsBoolean()
  rotateSecret?: boolean;
}

export class WebhookSubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'https://crm.example.com/hooks/helpdesk' }) url!: string;
  @ApiProperty({ type: [String], example: ['customer.merged', 'ticket.*'] }) eventTypes!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookSubscriptionWithSecretDto extends WebhookSubscriptionDto {
  @ApiProperty({
    example: 'whsec_3q2-7wEXAMPLEc2VjcmV0IGZvciBzaWduaW5nIGV4YW1wbGU',
    description:
      'The signing secret, shown only here. Each delivery carries X-Helpdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>',
  })
  secret!: string;
}

export class WebhookSubscriptionPageDto {
  @ApiProperty({ type: [WebhookSubscriptionDto] }) items!: WebhookSubscriptionDto[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor!: string | null;
}

export class WebhookDeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only deliveries (and replays) of this event' })
  @IsOptional()
  @IsUUID()
  eventId?: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) subscriptionId!: string;
  @ApiProperty({ format: 'uuid', description: 'Sent as X-Helpdesk-Event-Id and as the body id; the same on replays' })
  eventId!: string;
  @ApiProperty({ example: 'ticket.assigned' }) eventType!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ description: 'The ticket, customer or conversation whose events are delivered in order' })
  aggregateId!: string;
  @ApiProperty({ description: 'Position in the queue of this subscription and aggregate' }) sequence!: number;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES, description: 'failed = dead-lettered after the last attempt' })
  status!: WebhookDeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastAttemptAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 503 }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'http-503: the endpoint answered HTTP 503' })
  lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The delivery this one replays' })
  replayOf!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class WebhookAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ enum: ['delivered', 'retry', 'failed'] }) outcome!: 'delivered' | 'retry' | 'failed';
  @ApiProperty({ type: Number, nullable: true }) statusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ format: 'date-time' }) attemptedAt!: string;
}

export class WebhookDeliveryDetailDto extends WebhookDeliveryDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event payload, sent as `data`' })
  data!: unknown;
  @ApiProperty({ type: [WebhookAttemptDto] }) attemptLog!: WebhookAttemptDto[];
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto], description: 'Newest first' }) items!: WebhookDeliveryDto[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ReplayRangeDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-23T00:00:00Z', description: 'Events that occurred at or after this time' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-24T00:00:00Z', description: 'Events that occurred before this time' })
  @IsISO8601({ strict: true })
  to!: string;
}

export class ReplayRangeResultDto {
  @ApiProperty({ description: 'Delivered or dead-lettered deliveries queued again' }) replayed!: number;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
}
