import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DataSource, EntityManager } from 'typeorm';
import { TransactionGroups, bindStatement, isUniqueViolation, writeBeforeCommit, type DeferredStatements } from '@helpdesk/persistence';
import { ProblemException } from './problem';

export interface StoredResponse<T> {
  status: number;
  body: T;
}

export function idempotencyTableUp(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."idempotency_keys" (
      "tenant_id" varchar(64) NOT NULL,
      "scope" varchar(100) NOT NULL,
      "key" varchar(255) NOT NULL,
      "request_hash" char(64) NOT NULL,
      "status" integer NOT NULL,
      "response" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("tenant_id", "scope", "key")
    )`,
  ];
}

export const idempotencyTableDown = (schema: string): string[] => [`DROP TABLE "${schema}"."idempotency_keys"`];

/** Key order must not change the hash: the same JSON body sent twice is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const hashRequest = (body: unknown): string =>
  createHash('sha256').update(Buffer.isBuffer(body) ? body : Buffer.from(canonical(body), 'utf8')).digest('hex');

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface KeyRow {
  tenantId: string;
  scope: string;
  key: string;
  hash: string;
  status: number;
  body: string;
}

/**
 * `Idempotency-Key` handling: Redis answers repeats fast; the primary key in Postgres is the truth,
 * written in the same transaction as the effect, so a crash can never record one without the other.
 */
export class IdempotencyService {
  private readonly keyRows: DeferredStatements<KeyRow>;
  /** Requests of one burst share a transaction (see TransactionGroups): most of an accepted write's round trips were its own BEGIN and COMMIT. */
  private readonly transactions: TransactionGroups;

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: Redis,
    private readonly schema: string,
    private readonly ttlSeconds = 24 * 3600,
  ) {
    this.transactions = new TransactionGroups(dataSource);
    this.keyRows = {
      statements: (rows, bind) => [
        bindStatement(
          `INSERT INTO "${schema}"."idempotency_keys" ("tenant_id", "scope", "key", "request_hash", "status", "response")
           SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::jsonb[])`,
          [rows.map((r) => r.tenantId), rows.map((r) => r.scope), rows.map((r) => r.key), rows.map((r) => r.hash), rows.map((r) => r.status), rows.map((r) => r.body)],
          bind,
        ),
      ],
    };
  }

  async execute<T>(
    request: { tenantId: string; scope: string; key: string | undefined; body: unknown },
    effect: (manager: EntityManager) => Promise<StoredResponse<T>>,
  ): Promise<StoredResponse<T> & { replayed: boolean }> {
    const { key } = request;
    if (key === undefined) {
      const result = await this.transactions.run(effect);
      return { ...result, replayed: false };
    }
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ProblemException(400, 'Idempotency-Key must be 1-255 visible ASCII characters', [{ field: 'Idempotency-Key', message: 'invalid' }]);
    }
    const hash = hashRequest(request.body);
    const redisKey = `idem:${this.schema}:${request.tenantId}:${request.scope}:${key}`;
    const fast = await this.redis.get(redisKey).catch(() => null);
    if (fast) return this.replay<T>(JSON.parse(fast) as { hash: string; status: number; body: T }, hash);
    try {
      const result = await this.transactions.run(async (manager) => {
        const out = await effect(manager);
        // Written with the effect's outbox rows just before the commit: a key used twice at once fails that
        // statement, which rolls the effect back (and is answered below) as before.
        await writeBeforeCommit(manager, `idempotency:${this.schema}`, [{ tenantId: request.tenantId, scope: request.scope, key, hash, status: out.status, body: JSON.stringify(out.body) }], this.keyRows);
        return out;
      });
      await this.redis
        .set(redisKey, JSON.stringify({ hash, status: result.status, body: result.body }), 'EX', this.ttlSeconds)
        .catch(() => undefined);
      return { ...result, replayed: false };
    } catch (err) {
      if (!isUniqueViolation(err, 'pk_idempotency_keys')) throw err;
      const rows: Array<{ request_hash: string; status: number; response: T }> = await this.dataSource.query(
        `SELECT "request_hash", "status", "response" FROM "${this.schema}"."idempotency_keys"
         WHERE "tenant_id" = $1 AND "scope" = $2 AND "key" = $3`,
        [request.tenantId, request.scope, key],
      );
      const row = rows[0];
      if (!row) throw err;
      return this.replay<T>({ hash: row.request_hash, status: row.status, body: row.response }, hash);
    }
  }

  private replay<T>(stored: { hash: string; status: number; body: T }, hash: string): StoredResponse<T> & { replayed: boolean } {
    if (stored.hash !== hash) {
      throw new ProblemException(409, 'Idempotency-Key was already used with a different request body', undefined, undefined, 'idempotency-key-reused');
    }
    return { status: stored.status, body: stored.body, replayed: true };
  }
}
