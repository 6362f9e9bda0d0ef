import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@helpdesk/platform';

export class KnowledgeConfig extends BaseServiceConfig {
  override HTTP_PORT = 3003;
  override DB_USER = 'helpdesk_knowledge';
  /** Bulk article imports send up to 1,000 articles in one request. */
  override BODY_LIMIT_BYTES = 16 * 1024 * 1024;
  /**
   * Declared with a value so loadConfig keeps it: the base class leaves it uninitialised, and
   * loadConfig drops keys the config instance does not have, so GRPC_PORT=0 would be ignored.
   */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535) override GRPC_PORT?: number = undefined;
  /**
   * Names this replica's private index-sync consumer; unset picks host name plus a random suffix, so
   * every replica (and every restart) reads all article changes.
   */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._-]{1,100}$/) INSTANCE_ID?: string;
  /** Articles suggested per ticket (suggestions.ready). */
  @Type(() => Number) @IsInt() @Min(1) @Max(20) SUGGESTIONS_PER_TICKET = 5;
  /** Off only for tools that must not follow other replicas' changes (one-off scripts). */
  @Transform(({ value }) => value === true || value === 'true' || value === '1') INDEX_SYNC_ENABLED = true;
  /** Articles read per round trip when the index is rebuilt from Postgres at boot. */
  @Type(() => Number) @IsInt() @Min(100) @Max(100_000) INDEX_REBUILD_BATCH = 5000;
  /**
   * Least time between two relearns of one tenant's term associations (votes arrive in bursts; a
   * relearn reads up to 50,000 answered questions).
   */
  @Type(() => Number) @IsInt() @Min(100) @Max(3_600_000) ASSOCIATION_RELEARN_MIN_INTERVAL_MS = 5000;
  /** Seconds between each replica's looks for automatic answers settled as deflected elsewhere; 0 turns it off. */
  @Type(() => Number) @IsInt() @Min(0) @Max(86_400) ASSOCIATION_SWEEP_SECONDS = 300;
}
