import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';

/** The one envelope every event travels in; the Kafka key is `aggregateId`. */
export interface EventEnvelope<TType extends string = string, TPayload = unknown> {
  id: string;
  type: TType;
  version: number;
  occurredAt: string;
  tenantId: string;
  producer: string;
  aggregateId: string;
  correlationId: string;
  causationId: string | null;
  payload: TPayload;
}

/** Validation shape of the envelope as it arrives from the wire (payload checked separately). */
export class EventEnvelopeDto implements EventEnvelope<string, Record<string, unknown>> {
  @IsUUID() id!: string;
  @IsString() @IsNotEmpty() @MaxLength(100) type!: string;
  @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsISO8601() occurredAt!: string;
  @IsString() @IsNotEmpty() @MaxLength(64) tenantId!: string;
  @IsString() @IsNotEmpty() producer!: string;
  @IsString() @IsNotEmpty() aggregateId!: string;
  @IsString() @IsNotEmpty() correlationId!: string;
  @IsOptional() @IsString() causationId!: string | null;
  @IsObject() payload!: Record<string, unknown>;
}
