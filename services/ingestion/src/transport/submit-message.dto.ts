import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CHANNELS,
  CUSTOMER_TIERS,
  LANGUAGES,
  type Channel,
  type CustomerTier,
  type Language,
} from '@helpdesk/contracts';

export class CustomerRefDto {
  @ApiPropertyOptional({ example: 'CRM-1001' }) @IsOptional() @IsString() @Length(1, 200) externalId?: string;
  @ApiPropertyOptional({ example: 'li.lei@example.com' })
  @IsOptional()
  @IsString()
  @Length(3, 320)
  email?: string;
  @ApiPropertyOptional({ example: '+8613800138000' }) @IsOptional() @IsString() @Length(3, 40) phone?: string;
  @ApiPropertyOptional({ example: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  wechatOpenId?: string;
  @ApiPropertyOptional({ example: '李雷' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: CUSTOMER_TIERS }) @IsOptional() @IsIn(CUSTOMER_TIERS) tier?: CustomerTier;
}

export class AttachmentDto {
  @ApiProperty() @IsString() @Length(1, 255) filename!: string;
  @ApiProperty() @IsString() @Length(1, 255) contentType!: string;
  @ApiProperty() @IsInt() @Min(0) size!: number;
  @ApiProperty()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  url!: string;
}

export class SubmitMessageDto {
  @ApiProperty({ enum: CHANNELS, example: 'web' }) @IsIn(CHANNELS) channel!: Channel;
  @ApiProperty({ type: CustomerRefDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerRefDto)
  customer!: CustomerRefDto;
  @ApiPropertyOptional({ example: '无法登录' }) @IsOptional() @IsString() @MaxLength(1000) subject?: string;
  @ApiProperty({ example: '我的账号无法登录，请尽快处理', minLength: 1, maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  body!: string;
  @ApiPropertyOptional({ enum: LANGUAGES }) @IsOptional() @IsIn(LANGUAGES) language?: Language;
  @ApiPropertyOptional({ type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) externalMessageId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() conversationId?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class SubmitMessageResponseDto {
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ['accepted'] }) status!: 'accepted';
}
