import { IsArray, IsIn, IsOptional, IsString } from 'class-validator';

export const API_KEY_SCOPES = [
  'messages:write', 'customers:read', 'tickets:read', 'tickets:write', 'kb:read', 'kb:write',
  'feedback:write', 'metrics:read', 'admin',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Key registry replication: every service keeps its own copy of hashed keys. */
export class ApiKeyIssuedV1 {
  static readonly type = 'api-key.issued';
  static readonly version = 1;
  @IsString() keyId!: string;
  @IsString() name!: string;
  @IsString() hash!: string;
  @IsString() prefix!: string;
  @IsArray() @IsIn(API_KEY_SCOPES, { each: true }) scopes!: ApiKeyScope[];
  @IsOptional() @IsString() expiresAt?: string | null;
}

export class ApiKeyRevokedV1 {
  static readonly type = 'api-key.revoked';
  static readonly version = 1;
  @IsString() keyId!: string;
}
