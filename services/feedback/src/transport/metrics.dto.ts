import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Strings only here: the metrics rules parse them and name each bad parameter. */
export class MetricsQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-16T00:00:00Z',
    description: 'Start (inclusive), ISO-8601; default 30 days before `to`',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;
  @ApiPropertyOptional({
    example: '2026-11-23T00:00:00Z',
    description: 'End (exclusive), ISO-8601; default now',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
  @ApiPropertyOptional({ enum: ['channel', 'priority', 'queue', 'agent'] })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  groupBy?: string;
  @ApiPropertyOptional({
    example: '2026-12-01T00:00:00Z',
    description: 'Judge the figures as of this time (default now): reproducible reports',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asOf?: string;
}

export class WeeklyMetricsQueryDto {
  @ApiPropertyOptional({ example: '2026-W47', description: 'ISO week; default the last complete week' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  week?: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv answers text/csv' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  format?: string;
  @ApiPropertyOptional({ enum: ['channel', 'priority', 'queue', 'agent'] })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  groupBy?: string;
  @ApiPropertyOptional({
    example: 'Asia/Shanghai',
    description: 'The week runs Monday 00:00 to Monday 00:00 here',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
  @ApiPropertyOptional({
    example: '2026-12-01T00:00:00Z',
    description: 'Judge the figures as of this time (default now): reproducible reports',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asOf?: string;
}

export class RebuildMetricsReportDto {
  @ApiProperty({ type: String, nullable: true, description: 'null: every tenant (the rebuild-metrics command without --tenant)' })
  tenantId!: string | null;
  @ApiProperty({ description: 'The fresh consumer group that replayed the topics from their first offset' })
  groupId!: string;
  @ApiProperty() messagesRead!: number;
  @ApiProperty({ description: "The tenant's events applied to the rebuilt read model" })
  eventsApplied!: number;
  @ApiProperty() tookMs!: number;
}

export class RebuildStatusDto {
  @ApiProperty({ format: 'uuid' }) rebuildId!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: 'running' | 'completed' | 'failed';
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: RebuildMetricsReportDto, nullable: true, description: 'Once completed' })
  report!: RebuildMetricsReportDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed' }) error!: string | null;
}
