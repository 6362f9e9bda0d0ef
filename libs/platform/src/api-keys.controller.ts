import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { API_KEY_SCOPES, type ApiKeyScope } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { ApiKeyStore, CurrentAuth, generateApiKey, RequireScopes, type ApiKeyView, type AuthContext } from './auth';
import { ProblemException } from './problem';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'crm-sync' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['messages:write', 'tickets:read'] })
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(API_KEY_SCOPES, { each: true }) scopes!: ApiKeyScope[];
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) expiresAt?: string;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({ description: 'Seconds the old key keeps working, so clients can switch over (default 0)' })
  @IsOptional() @IsString() @Matches(/^\d{1,7}$/) graceSeconds?: string;
}

export class IssuedApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The key itself: shown once, only its hash is stored' }) key!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes!: ApiKeyScope[];
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) expiresAt!: string | null;
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Key administration for the caller's tenant. Keys are replicated to every service through
 * `platform.api-keys.v1`, so a key issued or revoked here takes effect everywhere.
 */
@ApiTags('api-keys')
@Controller('v1/api-keys')
@RequireScopes('admin')
export class ApiKeysController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly store: ApiKeyStore,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: IssuedApiKeyDto })
  async create(@CurrentAuth() auth: AuthContext, @Body() dto: CreateApiKeyDto): Promise<IssuedApiKeyDto> {
    return this.issue(auth.tenantId, dto.name, dto.scopes, dto.expiresAt ?? null);
  }

  @Get()
  @ApiOkResponse({ description: "The tenant's keys (never the key itself), with last use" })
  async list(@CurrentAuth() auth: AuthContext): Promise<{ items: ApiKeyView[] }> {
    return { items: await this.store.list(auth.tenantId) };
  }

  @Post(':id/rotate')
  @ApiCreatedResponse({ type: IssuedApiKeyDto })
  async rotate(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: RotateApiKeyDto): Promise<IssuedApiKeyDto> {
    const current = (await this.store.list(auth.tenantId)).find((k) => k.id === id && !k.revokedAt);
    if (!keyIdPattern.test(id) || !current) throw new ProblemException(404, `API key ${id} not found or already revoked`);
    const grace = Number(dto.graceSeconds ?? '0');
    const scopes = current.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
    const issued = await this.issue(auth.tenantId, current.name, scopes, current.expiresAt);
    await this.retire(auth.tenantId, id, grace);
    return issued;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revoke(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    const exists = keyIdPattern.test(id) && (await this.store.list(auth.tenantId)).some((k) => k.id === id);
    if (!exists) throw new ProblemException(404, `API key ${id} not found`);
    if (id === auth.keyId) throw new ProblemException(409, 'a key cannot revoke itself; use another admin key');
    await this.retire(auth.tenantId, id, 0);
  }

  private async issue(tenantId: string, name: string, scopes: ApiKeyScope[], expiresAt: string | null): Promise<IssuedApiKeyDto> {
    const { key, prefix, hash } = generateApiKey();
    const id = `key_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    await this.dataSource.transaction(async (manager) => {
      await this.store.upsert({ id, tenantId, name, prefix, hash, scopes, expiresAt }, manager);
      await this.publisher.publish(manager, {
        type: 'api-key.issued',
        tenantId,
        aggregateId: id,
        payload: { keyId: id, name, hash, prefix, scopes, expiresAt },
      });
    });
    return { id, key, prefix, name, scopes, expiresAt };
  }

  private async retire(tenantId: string, id: string, graceSeconds: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (graceSeconds > 0) {
        const until = new Date(Date.now() + graceSeconds * 1000).toISOString();
        await manager.query(`UPDATE "${this.schemaOf()}"."api_keys" SET "expires_at" = $3 WHERE "tenant_id" = $1 AND "id" = $2`, [tenantId, id, until]);
        const rows: Array<{ name: string; prefix: string; hash: string; scopes: ApiKeyScope[] }> = await manager.query(
          `SELECT "name", "prefix", "hash", "scopes" FROM "${this.schemaOf()}"."api_keys" WHERE "tenant_id" = $1 AND "id" = $2`,
          [tenantId, id],
        );
        const row = rows[0];
        if (row) {
          await this.publisher.publish(manager, { type: 'api-key.issued', tenantId, aggregateId: id, payload: { keyId: id, name: row.name, hash: row.hash, prefix: row.prefix, scopes: row.scopes, expiresAt: until } });
        }
      } else {
        await this.store.revoke(tenantId, id, manager);
        await this.publisher.publish(manager, { type: 'api-key.revoked', tenantId, aggregateId: id, payload: { keyId: id } });
      }
    });
    this.store.invalidate();
  }

  private schemaOf(): string {
    return this.dataSource.driver.schema ?? 'public';
  }
}
