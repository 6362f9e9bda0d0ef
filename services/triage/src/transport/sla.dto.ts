import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { RESOURCE_ID } from './tickets.dto';

const TEN_YEARS_MINUTES = 10 * 366 * 24 * 60;

export class SlaTargetDto {
  @ApiProperty({ description: 'Minutes (fractions allowed)', exclusiveMinimum: true, minimum: 0 })
  @IsNumber()
  @Min(0.001)
  @Max(TEN_YEARS_MINUTES)
  firstResponseMinutes!: number;
  @ApiProperty({ description: 'Minutes (fractions allowed)', exclusiveMinimum: true, minimum: 0 })
  @IsNumber()
  @Min(0.001)
  @Max(TEN_YEARS_MINUTES)
  resolutionMinutes!: number;
  @ApiProperty({ description: 'Count business hours of the calendar (true) or around the clock (false)' })
  @IsBoolean()
  businessHours!: boolean;
}

export class SlaTargetsDto {
  @ApiProperty({ type: SlaTargetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SlaTargetDto)
  P1!: SlaTargetDto;
  @ApiProperty({ type: SlaTargetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SlaTargetDto)
  P2!: SlaTargetDto;
  @ApiProperty({ type: SlaTargetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SlaTargetDto)
  P3!: SlaTargetDto;
  @ApiProperty({ type: SlaTargetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SlaTargetDto)
  P4!: SlaTargetDto;
}

export class SlaPolicyDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ type: SlaTargetsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SlaTargetsDto)
  targets!: SlaTargetsDto;
  @ApiPropertyOptional({
    description: 'Fraction of a target after which a warning is emitted',
    default: 0.8,
    minimum: 0.01,
    maximum: 0.99,
  })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(0.99)
  warningFraction?: number;
  @ApiPropertyOptional({
    description: 'Calendar of business-hours targets; else the tenant calendar "default"',
  })
  @IsOptional()
  @IsString()
  @Matches(RESOURCE_ID, { message: 'calendarId must be a calendar id' })
  calendarId?: string;
  @ApiPropertyOptional({
    description: 'New tickets use the default policy; "default" is it unless another is marked',
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

const TIME = /^\d{2}:\d{2}(:\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HOLIDAY = /^\d{4}-\d{2}-\d{2}(\.\.(\d{2}|\d{4}-\d{2}-\d{2}))?$/;

export class PeriodDto {
  @ApiProperty({ example: '09:00' })
  @IsString()
  @Matches(TIME, { message: 'start must be HH:mm or HH:mm:ss' })
  start!: string;
  @ApiProperty({ example: '12:00' })
  @IsString()
  @Matches(TIME, { message: 'end must be HH:mm or HH:mm:ss' })
  end!: string;
}

export class WeeklyDto {
  @ApiPropertyOptional({ type: [PeriodDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  mon?: PeriodDto[];
  @ApiPropertyOptional({ type: [PeriodDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  tue?: PeriodDto[];
  @ApiPropertyOptional({ type: [PeriodDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  wed?: PeriodDto[];
  @ApiPropertyOptional({ type: [PeriodDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  thu?: PeriodDto[];
  @ApiPropertyOptional({ type: [PeriodDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  fri?: PeriodDto[];
  @ApiPropertyOptional({ type: [PeriodDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  sat?: PeriodDto[];
  @ApiPropertyOptional({ type: [PeriodDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  sun?: PeriodDto[];
}

export class WorkingDayDto {
  @ApiProperty({ example: '2026-10-11' })
  @IsString()
  @Matches(DATE, { message: 'date must be YYYY-MM-DD' })
  date!: string;
  @ApiProperty({ type: [PeriodDto] })
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  periods!: PeriodDto[];
}

export class CalendarDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ example: 'Asia/Shanghai', description: 'IANA time zone' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  timezone!: string;
  @ApiProperty({ type: WeeklyDto }) @IsObject() @ValidateNested() @Type(() => WeeklyDto) weekly!: WeeklyDto;
  @ApiPropertyOptional({
    type: [String],
    example: ['2026-10-01..07'],
    description: "'YYYY-MM-DD' or ranges 'YYYY-MM-DD..DD' / '..YYYY-MM-DD'",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(HOLIDAY, { each: true, message: 'each holiday must be YYYY-MM-DD or a range YYYY-MM-DD..DD' })
  holidays?: string[];
  @ApiPropertyOptional({
    type: [WorkingDayDto],
    description: 'Make-up working days (调休) with their own periods',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(366)
  @ValidateNested({ each: true })
  @Type(() => WorkingDayDto)
  workingDays?: WorkingDayDto[];
}
