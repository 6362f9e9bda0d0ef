import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { IDENTITY_TYPES, PRIORITIES, type IdentityType, type Priority } from './common';

export class AttachmentV1 {
  @IsString() @MaxLength(255) filename!: string;
  @IsString() @MaxLength(255) contentType!: string;
  @IsInt() @Min(0) size!: number;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) url?: string;
}

export class IdentityV1 {
  @IsIn(IDENTITY_TYPES) type!: IdentityType;
  @IsString() @MaxLength(320) value!: string;
}

export class ClassificationReasonV1 {
  @IsString() signal!: string;
  @IsNumber() weight!: number;
  @IsString() evidence!: string;
}

export class ClassificationV1 {
  @IsIn(PRIORITIES) priority!: Priority;
  @IsBoolean() urgent!: boolean;
  @IsBoolean() important!: boolean;
  @IsString() category!: string;
  @IsNumber() @Min(0) @Max(1) confidence!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ClassificationReasonV1) reasons!: ClassificationReasonV1[];
  @IsString() modelVersion!: string;
}

export class SlaDueV1 {
  @IsOptional() @IsString() firstResponseDueAt?: string | null;
  @IsOptional() @IsString() resolutionDueAt?: string | null;
}
