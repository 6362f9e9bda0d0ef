import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, type Channel } from '@helpdesk/contracts';
import { AGENT_STATUSES, type AgentStatus } from '../domain/routing';

export class AgentSkillDto {
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) skill!: string;
  @ApiProperty({ minimum: 1, maximum: 5, description: '4 and above is senior' })
  @IsInt()
  @Min(1)
  @Max(5)
  level!: number;
}

export class AgentDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ type: [AgentSkillDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AgentSkillDto)
  skills!: AgentSkillDto[];
  @ApiProperty({ type: [String], example: ['zh', 'en'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(20, { each: true })
  languages!: string[];
  @ApiProperty({ enum: CHANNELS, isArray: true })
  @IsArray()
  @ArrayMaxSize(CHANNELS.length)
  @IsIn(CHANNELS, { each: true })
  channels!: Channel[];
  @ApiProperty({ minimum: 0, maximum: 1000 }) @IsInt() @Min(0) @Max(1000) maxConcurrent!: number;
  @ApiProperty({ enum: AGENT_STATUSES }) @IsIn(AGENT_STATUSES) status!: AgentStatus;
}

export class QueueDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ type: [String], description: 'Skills an agent needs to work this queue' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  skills!: string[];
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() vip?: boolean;
  @ApiPropertyOptional({ default: false, description: 'Breached tickets escalate here' })
  @IsOptional()
  @IsBoolean()
  supervisor?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() isDefault?: boolean;
}

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}
