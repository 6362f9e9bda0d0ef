import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional } from 'class-validator';
import { CHANNEL_ACCOUNT_KINDS, type ChannelAccountKind } from '../domain/channel-account';

export class UpsertChannelAccountDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'wechat: { appId?, originalId?, menuKeysAsMessages?: string[] }; webhook: { url, channels?: [web|app|api|social…] }; email: { fromAddress?, fromName? }; phone: { hotlines? }',
    example: { appId: 'wx1234567890abcdef' },
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Per secret: { value } (stored AES-256-GCM encrypted), { env: "CHANNEL_SECRET_…" } (read from the environment) or null (removed). Secrets not named stay. wechat: token (required), encodingAesKey, appSecret; webhook: secret (required).',
    example: {
      token: { value: 'my-wechat-token' },
      appSecret: { env: 'CHANNEL_SECRET_ACME_WECHAT_APPSECRET' },
    },
  })
  @IsOptional()
  @IsObject()
  secrets?: Record<string, unknown>;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ChannelAccountViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CHANNEL_ACCOUNT_KINDS }) channel!: ChannelAccountKind;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Where each secret lives, never its value',
  })
  secrets!: Record<string, { source: 'encrypted' } | { source: 'env'; env: string }>;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ChannelAccountListDto {
  @ApiProperty({ type: [ChannelAccountViewDto] }) items!: ChannelAccountViewDto[];
}
