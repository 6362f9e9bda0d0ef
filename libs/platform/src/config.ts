import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, getMetadataStorage, validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const APP_ENVS = ['development', 'test', 'production'] as const;
export type AppEnv = (typeof APP_ENVS)[number];

/** Variables every service reads; each service extends this with its own. Names are the environment's. */
export class BaseServiceConfig {
  @IsIn(APP_ENVS) APP_ENV: AppEnv = 'development';
  @IsString() HTTP_HOST = '127.0.0.1';
  @Type(() => Number) @IsInt() @Min(0) @Max(65535) HTTP_PORT!: number;
  @Type(() => Number) @IsInt() @Min(1024) @Max(50 * 1024 * 1024) BODY_LIMIT_BYTES = 1024 * 1024;
  @IsString() GRPC_HOST = '127.0.0.1';
  /** 0 picks a free port; unset uses the service's port from api.md. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535) GRPC_PORT?: number;
  @IsString() DB_HOST = '127.0.0.1';
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) DB_PORT = 5432;
  @IsString() DB_NAME = 'helpdesk';
  @IsString() @MinLength(1) DB_USER!: string;
  @IsOptional() @IsString() DB_PASSWORD?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(200) DB_POOL_SIZE = 10;
  /** Frequent statements as prepared statements per connection: parsed and planned once, not per call. */
  @Transform(({ value }) => value === true || value === 'true' || value === '1') DB_PREPARE_STATEMENTS = true;
  @IsString() REDIS_URL = 'redis://127.0.0.1:6379/0';
  @IsString() @MinLength(1) KAFKA_BROKERS = '127.0.0.1:9092';
  @IsString() KAFKA_GROUP_PREFIX = '';
  /** Events a consumer handles in one transaction; 1 is one transaction per event. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) CONSUMER_BATCH_SIZE = 50;
  /** Longest a Kafka fetch waits to gather more events: latency per hop traded for fewer requests. */
  @Type(() => Number) @IsInt() @Min(0) @Max(5000) CONSUMER_FETCH_WAIT_MS = 50;
  /**
   * The same two for consumers no one waits on (CRM webhooks, metrics, surveys, message links, ticket
   * suggestions): fuller chunks, so fewer transactions and fetches per event, for a few hundred ms.
   */
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) CONSUMER_BACKGROUND_BATCH_SIZE = 200;
  @Type(() => Number) @IsInt() @Min(0) @Max(5000) CONSUMER_BACKGROUND_FETCH_WAIT_MS = 250;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /** Requests answered after this many ms are logged at warn with their route. */
  @Type(() => Number) @IsInt() @Min(1) SLOW_REQUEST_LOG_MS = 5000;
  /** Only read in development: the local demo tenant's key. */
  @IsOptional() @IsString() @MinLength(8) DEMO_API_KEY?: string;
  @Transform(({ value }) => value === true || value === 'true' || value === '1') SEED_DEMO = true;
  @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) RATE_LIMIT_PER_KEY_PER_MINUTE = 600;
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000_000) RATE_LIMIT_PER_TENANT_PER_MINUTE = 3000;
  /** JSON object: tenant id or key id → requests per minute, e.g. {"acme":10000}. */
  @IsString() @Matches(/^\{.*\}$/s) RATE_LIMIT_OVERRIDES = '{}';
}

/**
 * Validates the environment against a config class at boot. A bad or missing variable stops the
 * process with a message naming it, instead of failing later at first use.
 */
export function loadConfig<T extends BaseServiceConfig>(cls: new () => T, env: Record<string, string | undefined> = process.env): T {
  const defaults = new cls();
  // Declared variables are those with validation rules (optional ones have no default to list them).
  const declared = new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));
  for (const key of Object.keys(defaults)) declared.add(key);
  const source: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (declared.has(key) && value !== undefined && value !== '') source[key] = value;
  }
  const config = plainToInstance(cls, { ...defaults, ...source });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => {
        const value = e.value === undefined ? 'missing' : /PASSWORD|SECRET|KEY/.test(e.property) ? '***' : JSON.stringify(e.value);
        return `${e.property} (${value}): ${Object.values(e.constraints ?? {}).join(', ')}`;
      }),
    );
  }
  try {
    const overrides: unknown = JSON.parse(config.RATE_LIMIT_OVERRIDES);
    if (typeof overrides !== 'object' || overrides === null || Object.values(overrides).some((v) => typeof v !== 'number' || v < 1)) throw new Error();
  } catch {
    throw new ConfigError(['RATE_LIMIT_OVERRIDES: must be a JSON object of positive numbers']);
  }
  return config;
}
