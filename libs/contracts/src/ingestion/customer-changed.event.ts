import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { CUSTOMER_TIERS, type CustomerTier } from '../common';
import { IdentityV1 } from '../shared-payloads';

class CustomerSnapshotV1 {
  @IsUUID() customerId!: string;
  @IsOptional() @IsString() name?: string | null;
  @IsIn(CUSTOMER_TIERS) tier!: CustomerTier;
  @IsOptional() @IsString() externalId?: string | null;
  @IsArray() @ValidateNested({ each: true }) @Type(() => IdentityV1) identities!: IdentityV1[];
}

export class CustomerCreatedV1 extends CustomerSnapshotV1 {
  static readonly type = 'customer.created';
  static readonly version = 1;
}

export class CustomerUpdatedV1 extends CustomerSnapshotV1 {
  static readonly type = 'customer.updated';
  static readonly version = 1;
}

/** `sourceCustomerId` was merged into `customerId`; the source no longer exists. */
export class CustomerMergedV1 extends CustomerSnapshotV1 {
  static readonly type = 'customer.merged';
  static readonly version = 1;
  @IsUUID() sourceCustomerId!: string;
}
