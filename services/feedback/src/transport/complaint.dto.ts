import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, NotContains } from 'class-validator';
import { CHANNELS, type Channel } from '@helpdesk/contracts';

export class FileComplaintDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The ticket complained about; its customer and conversation are used when known',
  })
  @IsOptional()
  @IsUUID()
  ticketId?: string;
  @ApiProperty({ enum: CHANNELS, example: 'phone' }) @IsIn(CHANNELS) channel!: Channel;
  @ApiProperty({ example: '我要投诉，处理太慢', minLength: 1, maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  @NotContains('\u0000', { message: 'body must not contain NUL characters' })
  body!: string;
}

export class FiledComplaintDto {
  @ApiProperty({ format: 'uuid' }) complaintId!: string;
  @ApiProperty({
    format: 'uuid',
    description: 'The follow-up requested from triage (a linked ticket in the complaints queue)',
  })
  followUpId!: string;
  @ApiProperty({ enum: ['P1', 'P2'], description: 'P1 when legal, regulatory or media words appear' })
  priority!: 'P1' | 'P2';
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ticketId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) customerId!: string | null;
  @ApiProperty({ enum: ['received'] }) status!: 'received';
}

export class FollowUpViewDto {
  @ApiProperty({ format: 'uuid' }) followUpId!: string;
  @ApiProperty({ enum: ['P1', 'P2'] }) priority!: 'P1' | 'P2';
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['requested', 'ticket-opened', 'customer-notified'] }) status!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) followUpTicketId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) notifiedAt!: string | null;
}

export class ComplaintViewDto {
  @ApiProperty({ format: 'uuid' }) complaintId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ticketId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) customerId!: string | null;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ enum: ['api', 'message'] }) source!: 'api' | 'message';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'The closed loop: requested → ticket-opened → customer-notified' })
  followUp!: FollowUpViewDto;
}
