import { Transform, Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@helpdesk/platform';

export class TriageConfig extends BaseServiceConfig {
  override HTTP_PORT = 3002;
  override DB_USER = 'helpdesk_triage';
  /** Classifier training uploads thousands of labelled examples in one request. */
  override BODY_LIMIT_BYTES = 16 * 1024 * 1024;
  /** A resolved ticket reopens when the customer writes within this many hours; later a new ticket opens. */
  @Type(() => Number) @IsInt() @Min(0) @Max(24 * 365) REOPEN_WINDOW_HOURS = 7 * 24;
  /** Resolved tickets close after this many hours (0: never). */
  @Type(() => Number) @IsInt() @Min(0) @Max(24 * 365) AUTO_CLOSE_AFTER_HOURS = 7 * 24;
  /** Earlier tickets of the same customer within this window count as repeated contacts. */
  @Type(() => Number) @IsInt() @Min(1) @Max(24 * 90) REPEAT_CONTACT_WINDOW_HOURS = 72;
  /** How often the SLA scheduler looks for due warnings and breaches. */
  @Type(() => Number) @IsInt() @Min(50) @Max(60_000) SLA_POLL_INTERVAL_MS = 1000;
  /** How often waiting tickets are matched against free capacity that no event announced. */
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000) DISPATCH_SWEEP_INTERVAL_MS = 5000;
  /** Off only for tools that must not emit SLA events or assign tickets (e.g. a read-only replica). */
  @Transform(({ value }) => value === true || value === 'true' || value === '1') SCHEDULERS_ENABLED = true;
}
