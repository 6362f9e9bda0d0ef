import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Documents the body; the survey rules validate it (after the token) and name each bad field. */
export class SurveyResponseDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 5,
    description: 'Customer satisfaction, 1 (very dissatisfied) to 5',
  })
  csat?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: 'Likelihood to recommend, 0 to 10' })
  nps?: number;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Free text, up to 2000 characters' }) comment?: string;
}

export class SurveyAnswerDto {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ type: Number, nullable: true }) csat!: number | null;
  @ApiProperty({ type: Number, nullable: true }) nps!: number | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
  @ApiProperty({ enum: ['link', 'chat'] }) answeredVia!: 'link' | 'chat';
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The follow-up a bad answer opened',
  })
  followUpId!: string | null;
}

export class SurveyViewDto {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ enum: ['open', 'answered'] }) status!: 'open' | 'answered';
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: SurveyAnswerDto, nullable: true }) answer!: SurveyAnswerDto | null;
}

export class SurveySettingsDto {
  @ApiProperty({ description: 'Surveys are sent at all' }) @IsBoolean() enabled!: boolean;
  @ApiProperty({
    minimum: 0,
    maximum: 2592000,
    description: 'Delay after resolution before the survey goes out',
  })
  @IsInt()
  @Min(0)
  @Max(2592000)
  delaySeconds!: number;
  @ApiProperty({ minimum: 1, maximum: 2160, description: 'How long the link and the chat answer stay open' })
  @IsInt()
  @Min(1)
  @Max(2160)
  validityHours!: number;
}

export class SurveyOptOutDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class SurveyOptOutViewDto {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) optedOutAt!: string;
}
