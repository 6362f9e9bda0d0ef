import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CHANNELS,
  CUSTOMER_TIERS,
  LANGUAGES,
  PRIORITIES,
  type Channel,
  type CustomerTier,
  type Language,
  type Priority,
} from '@helpdesk/contracts';
import type { TextSignal } from '../domain/classification';
import { RESOURCE_ID } from './tickets.dto';

export class ClassifyDto {
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) subject?: string;
  @ApiProperty({ minLength: 1, maxLength: 20000 }) @IsString() @IsNotEmpty() @MaxLength(20000) body!: string;
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS) channel?: Channel;
  @ApiPropertyOptional({ enum: CUSTOMER_TIERS })
  @IsOptional()
  @IsIn(CUSTOMER_TIERS)
  customerTier?: CustomerTier;
  @ApiPropertyOptional({ enum: LANGUAGES }) @IsOptional() @IsIn(LANGUAGES) language?: Language;
}

export class TrainingExampleDto {
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) subject?: string;
  @ApiProperty({ minLength: 1, maxLength: 20000 }) @IsString() @IsNotEmpty() @MaxLength(20000) body!: string;
  @ApiPropertyOptional({ enum: PRIORITIES }) @IsOptional() @IsIn(PRIORITIES) priority?: Priority;
  @ApiPropertyOptional({ description: 'Queue id the ticket belongs in' })
  @IsOptional()
  @IsString()
  @Matches(RESOURCE_ID, { message: 'queue must be a queue id' })
  queue?: string;
}

export class TrainingDto {
  @ApiPropertyOptional({
    type: [TrainingExampleDto],
    description: 'Without examples, the recorded corrections alone are used',
    maxItems: 50000,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50_000)
  @ValidateNested({ each: true })
  @Type(() => TrainingExampleDto)
  examples?: TrainingExampleDto[];
}

const TEXT_SIGNALS: readonly TextSignal[] = [
  'time-pressure',
  'service-failure',
  'negative-emotion',
  'money',
  'security',
  'legal',
  'scope',
];

export class LexiconTermDto {
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) term!: string;
  @ApiProperty({ enum: TEXT_SIGNALS }) @IsIn(TEXT_SIGNALS) signal!: TextSignal;
  @ApiProperty({
    minimum: 0,
    maximum: 2,
    description: '1 alone makes its axis true; smaller weights need company',
  })
  @IsNumber()
  @Min(0)
  @Max(2)
  weight!: number;
}

export class LexiconHedgeDto {
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) term!: string;
  @ApiProperty({ enum: TEXT_SIGNALS, isArray: true })
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(TEXT_SIGNALS, { each: true })
  suppresses!: TextSignal[];
}

export class LexiconDto {
  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  version?: string;
  @ApiPropertyOptional({ type: [LexiconTermDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => LexiconTermDto)
  terms?: LexiconTermDto[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  removeTerms?: string[];
  @ApiPropertyOptional({ type: [LexiconHedgeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => LexiconHedgeDto)
  hedges?: LexiconHedgeDto[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  negators?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  intensifiers?: string[];
}
