import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PRIORITIES, TICKET_STATUSES, type Priority, type TicketStatus } from '@helpdesk/contracts';

/** Ids of agents, queues, policies and calendars: letters, digits, '.', '_' and '-'. */
export const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class ListTicketsQuery {
  @ApiPropertyOptional({ enum: TICKET_STATUSES }) @IsOptional() @IsIn(TICKET_STATUSES) status?: TicketStatus;
  @ApiPropertyOptional({ enum: PRIORITIES }) @IsOptional() @IsIn(PRIORITIES) priority?: Priority;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) queue?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) assigneeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class ReplyDto {
  @ApiProperty({ minLength: 1, maxLength: 20000 }) @IsString() @IsNotEmpty() @MaxLength(20000) body!: string;
  @ApiProperty({ description: 'The agent who writes', maxLength: 100 })
  @IsString()
  @Matches(RESOURCE_ID, { message: 'agentId must be 1-100 letters, digits, ".", "_" or "-"' })
  agentId!: string;
  @ApiPropertyOptional({ description: 'An internal note is never sent to the customer', default: false })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
}

export class AssignDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Matches(RESOURCE_ID, { message: 'agentId must be 1-100 letters, digits, ".", "_" or "-"' })
  agentId!: string;
}

export class ResolveDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  resolutionCode?: string;
}

export class CorrectTicketDto {
  @ApiPropertyOptional({ enum: PRIORITIES }) @IsOptional() @IsIn(PRIORITIES) priority?: Priority;
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Matches(RESOURCE_ID, { message: 'queue must be a queue id' })
  queue?: string;
  @ApiProperty({ description: 'Why the person overrides the classifier', minLength: 1, maxLength: 1000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}
