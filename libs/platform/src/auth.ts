import { createHash, randomBytes } from 'node:crypto';
import { applyDecorators, createParamDecorator, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { DataSource, EntityManager } from 'typeorm';
import { API_KEY_SCOPES, type ApiKeyScope } from '@helpdesk/contracts';
import { ProblemException } from './problem';

export interface AuthContext {
  tenantId: string;
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

export type AuthenticatedRequest = FastifyRequest & { auth?: AuthContext };

const PUBLIC_ROUTE = 'helpdesk:public';
const REQUIRED_SCOPES = 'helpdesk:scopes';

/** The route authenticates by other means (channel signature, survey token) or is operational. */
export const Public = (): MethodDecorator & ClassDecorator =>
  // The extension lets the OpenAPI document drop the API-key requirement for exactly these operations.
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_EXTENSION, true));

export const PUBLIC_EXTENSION = 'x-public';
export const RequireScopes = (...scopes: ApiKeyScope[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPES, scopes);

export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new ProblemException(401, 'authentication required');
  return auth;
});

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new random key: shown once, only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `hk_${randomBytes(24).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashApiKey(key) };
}

export function apiKeysTableUp(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."api_keys" (
      "id" varchar(64) PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "name" varchar(200) NOT NULL,
      "prefix" varchar(16) NOT NULL,
      "hash" char(64) NOT NULL,
      "scopes" text[] NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "expires_at" timestamptz NULL,
      "revoked_at" timestamptz NULL,
      "last_used_at" timestamptz NULL,
      CONSTRAINT "uq_api_keys_hash" UNIQUE ("hash")
    )`,
    `CREATE INDEX "ix_api_keys_tenant" ON "${schema}"."api_keys" ("tenant_id")`,
  ];
}

export const apiKeysTableDown = (schema: string): string[] => [`DROP TABLE "${schema}"."api_keys"`];

const LAST_USED_KEY = 'apikey:last-used';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** The service that saw the last use. */
  lastUsedBy: string | null;
}

interface CachedKey {
  auth: AuthContext | null;
  until: number;
}

/** Reads this service's copy of the hashed key registry, with a short cache and throttled last-used stamps. */
export class ApiKeyStore {
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastStamp = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly redis?: Redis,
    private readonly ttlMs = 30_000,
  ) {}

  async authenticate(key: string): Promise<AuthContext | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) {
      if (cached.auth) this.stampUse(cached.auth.keyId, now);
      return cached.auth;
    }
    const rows: Array<{ id: string; tenant_id: string; scopes: string[] }> = await this.dataSource.query(
      `SELECT "id", "tenant_id", "scopes" FROM "${this.schema}"."api_keys"
       WHERE "hash" = $1 AND "revoked_at" IS NULL AND ("expires_at" IS NULL OR "expires_at" > now())`,
      [hash],
    );
    const row = rows[0];
    const auth: AuthContext | null = row
      ? { tenantId: row.tenant_id, keyId: row.id, scopes: row.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s)) }
      : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { auth, until: now + this.ttlMs });
    if (auth) this.stampUse(auth.keyId, now);
    return auth;
  }

  invalidate(): void {
    this.cache.clear();
  }

  /** Inserts or replaces a key record (seeding, and replication of the key registry). */
  async upsert(
    record: { id: string; tenantId: string; name: string; prefix: string; hash: string; scopes: readonly ApiKeyScope[]; expiresAt?: string | null },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.schema}"."api_keys" ("id", "tenant_id", "name", "prefix", "hash", "scopes", "expires_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("id") DO UPDATE SET "tenant_id" = EXCLUDED."tenant_id", "name" = EXCLUDED."name", "prefix" = EXCLUDED."prefix",
         "hash" = EXCLUDED."hash", "scopes" = EXCLUDED."scopes", "expires_at" = EXCLUDED."expires_at", "revoked_at" = NULL`,
      [record.id, record.tenantId, record.name, record.prefix, record.hash, [...record.scopes], record.expiresAt ?? null],
    );
    this.invalidate();
  }

  async revoke(tenantId: string, keyId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE "${this.schema}"."api_keys" SET "revoked_at" = COALESCE("revoked_at", now()) WHERE "tenant_id" = $1 AND "id" = $2 RETURNING "id"`,
      [tenantId, keyId],
    );
    this.invalidate();
    return rows.length > 0;
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    const rows: Array<{ id: string; name: string; prefix: string; scopes: string[]; created_at: Date; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null }> =
      await this.dataSource.query(
        `SELECT "id", "name", "prefix", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at" FROM "${this.schema}"."api_keys"
         WHERE "tenant_id" = $1 ORDER BY "created_at" DESC LIMIT 500`,
        [tenantId],
      );
    // Every service stamps uses in one shared Redis hash, so a key's last use is known wherever it happened.
    const shared = rows.length > 0 && this.redis ? await this.redis.hmget(LAST_USED_KEY, ...rows.map((r) => r.id)).catch(() => []) : [];
    return rows.map((r, i) => {
      const stamped = shared[i] ? JSON.parse(shared[i]) as { at: string; service: string } : null;
      const local = r.last_used_at?.toISOString() ?? null;
      const lastUsedAt = stamped && (!local || stamped.at > local) ? stamped.at : local;
      return {
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        scopes: r.scopes,
        createdAt: r.created_at.toISOString(),
        expiresAt: r.expires_at?.toISOString() ?? null,
        revokedAt: r.revoked_at?.toISOString() ?? null,
        lastUsedAt,
        lastUsedBy: stamped && lastUsedAt === stamped.at ? stamped.service : lastUsedAt ? this.schema : null,
      };
    });
  }

  private stampUse(keyId: string, now: number): void {
    if ((this.lastStamp.get(keyId) ?? 0) > now - 60_000) return;
    this.lastStamp.set(keyId, now);
    this.redis?.hset(LAST_USED_KEY, keyId, JSON.stringify({ at: new Date(now).toISOString(), service: this.schema })).catch(() => undefined);
    this.dataSource
      .query(`UPDATE "${this.schema}"."api_keys" SET "last_used_at" = now() WHERE "id" = $1`, [keyId])
      .catch(() => undefined);
  }
}

export function extractApiKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match) return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

/** Every route needs a key of the right tenant and scopes unless marked @Public(). */
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: ApiKeyStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = extractApiKey(request);
    if (!key || key.length > 200) throw new ProblemException(401, 'missing API key: send Authorization: Bearer <key>', undefined, { 'WWW-Authenticate': 'Bearer' });
    const auth = await this.store.authenticate(key);
    if (!auth) throw new ProblemException(401, 'unknown, revoked or expired API key', undefined, { 'WWW-Authenticate': 'Bearer' });
    const required = this.reflector.getAllAndOverride<ApiKeyScope[] | undefined>(REQUIRED_SCOPES, targets) ?? [];
    const missing = required.filter((s) => !auth.scopes.includes(s) && !auth.scopes.includes('admin'));
    if (missing.length > 0) throw new ProblemException(403, `API key lacks scope(s): ${missing.join(', ')}`);
    request.auth = auth;
    return true;
  }
}

export const DEMO_TENANT_ID = 'demo';
export const DEFAULT_DEMO_API_KEY = 'dev-demo-key';

/** Local development only: the demo tenant's all-scopes key from api.md. */
export async function seedDemoKey(store: ApiKeyStore, key: string): Promise<void> {
  await store.upsert({
    id: 'demo-key',
    tenantId: DEMO_TENANT_ID,
    name: 'local demo key',
    prefix: key.slice(0, 8),
    hash: hashApiKey(key),
    scopes: API_KEY_SCOPES,
  });
}
