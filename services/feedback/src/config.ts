import { Type } from 'class-transformer';
import {
  IsInt,
  IsUrl,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { BaseServiceConfig } from '@helpdesk/platform';
import type { SurveyTokenKey } from './domain';
import { DEV_SURVEY_TOKEN_KEYS, parseSurveyTokenKeys } from './infrastructure/survey-token-keys';

@ValidatorConstraint({ name: 'surveyTokenKeys' })
class SurveyTokenKeysFormat implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return parseSurveyTokenKeys(value).ok;
  }

  defaultMessage(): string {
    return 'must be keyId:secret[,keyId:secret…] with secrets of at least 32 bytes (required in production)';
  }
}

export class FeedbackConfig extends BaseServiceConfig {
  override HTTP_PORT = 3004;
  override DB_USER = 'helpdesk_feedback';
  /** Survey links are `${PUBLIC_BASE_URL}/v1/surveys/<token>`: the address customers reach this service at. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL = 'http://127.0.0.1:3004';
  /** Survey token secrets; empty outside production means the development key. */
  @ValidateIf((config: FeedbackConfig) => config.APP_ENV === 'production' || config.SURVEY_TOKEN_KEYS !== '')
  @Validate(SurveyTokenKeysFormat)
  SURVEY_TOKEN_KEYS = '';
  /** Tenants without their own settings: delay after resolution and how long a survey stays open. */
  @Type(() => Number) @IsInt() @Min(0) @Max(2592000) SURVEY_DEFAULT_DELAY_SECONDS = 3600;
  @Type(() => Number) @IsInt() @Min(1) @Max(2160) SURVEY_DEFAULT_VALIDITY_HOURS = 168;
  /** How often due surveys are looked for. */
  @Type(() => Number) @IsInt() @Min(50) @Max(600000) SURVEY_POLL_INTERVAL_MS = 5000;
  /** A metrics rebuild that has not caught up with the topics by then is abandoned. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(86400000) METRICS_REBUILD_TIMEOUT_MS = 600000;
}

/** The keys to sign and verify survey tokens with; the development key only outside production. */
export function surveyTokenKeysOf(config: FeedbackConfig): readonly SurveyTokenKey[] {
  const parsed = parseSurveyTokenKeys(
    config.SURVEY_TOKEN_KEYS === '' && config.APP_ENV !== 'production'
      ? DEV_SURVEY_TOKEN_KEYS
      : config.SURVEY_TOKEN_KEYS,
  );
  // loadConfig already refused a bad value, so this only guards against a config built by hand.
  if (!parsed.ok) throw new Error(`SURVEY_TOKEN_KEYS: ${parsed.problem}`);
  return parsed.keys;
}
