import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { BaseServiceConfig } from '@helpdesk/platform';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

export class IngestionConfig extends BaseServiceConfig {
  override HTTP_PORT = 3001;
  override DB_USER = 'helpdesk_ingestion';
  /** Raw e-mail can carry attachments: a larger limit than JSON endpoints. */
  @Type(() => Number) @IsInt() @Min(1024) @Max(50 * 1024 * 1024) EMAIL_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

  /**
   * AES-256-GCM key for channel-account secrets: 32 bytes as base64 (44 characters) or hex (64).
   * Required in production; elsewhere a fixed development key is used when it is absent.
   */
  @ValidateIf((c: IngestionConfig) => c.APP_ENV === 'production' || c.CHANNEL_SECRETS_KEY !== undefined)
  @IsString()
  @Matches(/^([A-Za-z0-9+/]{43}=|[0-9a-fA-F]{64})$/, {
    message: 'CHANNEL_SECRETS_KEY must be 32 bytes as base64 or hex',
  })
  CHANNEL_SECRETS_KEY?: string = undefined;

  /** The local demo tenant's WeChat token (development only, like the demo API key). */
  @IsString() @MinLength(3) DEMO_WECHAT_TOKEN = 'dev-wechat-token';

  @IsString() @MinLength(1) SMTP_HOST = '127.0.0.1';
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SMTP_PORT = 1025;
  @IsString() @Matches(/^[^\s@]+@[^\s@]+$/) SMTP_FROM = 'support@helpdesk.local';
  @IsOptional() @IsString() SMTP_FROM_NAME?: string = undefined;
  @Transform(toBoolean) @IsBoolean() SMTP_SECURE = false;
  /** Local receivers without TLS; production relays should offer STARTTLS. */
  @Transform(toBoolean) @IsBoolean() SMTP_IGNORE_TLS = false;
  @IsOptional() @IsString() SMTP_USER?: string = undefined;
  @IsOptional() @IsString() SMTP_PASSWORD?: string = undefined;

  @IsString() @Matches(/^https?:\/\/\S+$/) WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

  /** Outbound delivery: how often the worker looks for due replies, and the retry schedule. */
  @Type(() => Number) @IsInt() @Min(20) @Max(60_000) DELIVERY_POLL_MS = 1000;
  @Type(() => Number) @IsInt() @Min(1) @Max(50) DELIVERY_MAX_ATTEMPTS = 8;
  @Type(() => Number) @IsInt() @Min(10) @Max(3_600_000) DELIVERY_RETRY_BASE_MS = 30_000;
  @Type(() => Number) @IsInt() @Min(10) @Max(86_400_000) DELIVERY_RETRY_MAX_MS = 3_600_000;
  @Type(() => Number) @IsInt() @Min(100) @Max(120_000) DELIVERY_TIMEOUT_MS = 10_000;
  @Type(() => Number) @IsInt() @Min(1) @Max(100) DELIVERY_BATCH_SIZE = 20;

  /** CRM webhooks: poll interval, retry schedule (exponential back-off, then dead-lettered), request timeout. */
  @Type(() => Number) @IsInt() @Min(20) @Max(60_000) WEBHOOK_POLL_MS = 1000;
  @Type(() => Number) @IsInt() @Min(1) @Max(50) WEBHOOK_MAX_ATTEMPTS = 10;
  @Type(() => Number) @IsInt() @Min(10) @Max(3_600_000) WEBHOOK_RETRY_BASE_MS = 10_000;
  @Type(() => Number) @IsInt() @Min(10) @Max(86_400_000) WEBHOOK_RETRY_MAX_MS = 3_600_000;
  @Type(() => Number) @IsInt() @Min(100) @Max(120_000) WEBHOOK_TIMEOUT_MS = 10_000;
  @Type(() => Number) @IsInt() @Min(1) @Max(500) WEBHOOK_BATCH_SIZE = 50;
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) WEBHOOK_MAX_SUBSCRIPTIONS = 50;
  /** Most deliveries one range replay may queue; a larger range is refused so it can be split. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) WEBHOOK_REPLAY_MAX = 10_000;
  /**
   * Whether subscription URLs may name loopback or private addresses. Unset: allowed outside
   * production (local receivers), refused in production.
   */
  @IsOptional() @Transform(toBoolean) @IsBoolean() WEBHOOK_ALLOW_PRIVATE_URLS?: boolean = undefined;

  /** WeChat pushes are stored in the request and processed right after; the poller picks up leftovers. */
  @Type(() => Number) @IsInt() @Min(20) @Max(60_000) WECHAT_INBOX_POLL_MS = 2000;
  @Type(() => Number) @IsInt() @Min(1) @Max(50) WECHAT_INBOX_MAX_ATTEMPTS = 5;

  /** CTI: wait this long after a call ends before a call-back request or a bare voicemail, so late transcripts win. */
  @Type(() => Number) @IsInt() @Min(0) @Max(3600) CTI_SETTLE_SEC = 60;
  @Type(() => Number) @IsInt() @Min(0) @Max(600) CTI_SHORT_CALL_SEC = 15;
  @Type(() => Number) @IsInt() @Min(20) @Max(60_000) CTI_FLUSH_POLL_MS = 1000;
}
