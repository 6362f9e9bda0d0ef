import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CTI_EVENT_TYPES, type CtiEventType } from '../domain/channels/phone/call-aggregator';

/** Documentation shape of a CTI event; the domain validator checks the body and names the bad field. */
export class CtiEventDto {
  @ApiProperty({ example: 'call-20261123-0001' }) callId!: string;
  @ApiProperty({ enum: CTI_EVENT_TYPES }) event!: CtiEventType;
  @ApiProperty({ example: '13800138000', description: "The caller's number" }) from!: string;
  @ApiProperty({ example: '4008001234', description: 'The dialled hotline' }) to!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', example: '1>3' },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  ivrPath?: string | string[];
  @ApiPropertyOptional() transcript?: string;
  @ApiPropertyOptional({ format: 'uri' }) recordingUrl?: string;
  @ApiPropertyOptional({ minimum: 0 }) durationSec?: number;
  @ApiPropertyOptional({ description: 'Whether an agent picked up, when the CTI reports it' })
  answered?: boolean;
  @ApiPropertyOptional({ description: "The CTI's own event id, the most reliable duplicate check" })
  eventId?: string;
}

class CallOutcomeDto {
  @ApiProperty({ enum: ['message', 'callback-request'] }) kind!: 'message' | 'callback-request';
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ description: 'An earlier message of the call was updated (a longer transcript)' })
  updated!: boolean;
}

export class CtiEventResponseDto {
  @ApiProperty() callId!: string;
  @ApiProperty({ description: 'The event had been applied before and changed nothing' }) duplicate!: boolean;
  @ApiProperty({ type: [CallOutcomeDto] }) outcomes!: CallOutcomeDto[];
}
