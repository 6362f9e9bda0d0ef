import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  CHANNELS,
  CUSTOMER_TIERS,
  IDENTITY_TYPES,
  type Channel,
  type CustomerTier,
  type IdentityType,
} from '@helpdesk/contracts';

export class IdentityDto {
  @ApiProperty({ enum: IDENTITY_TYPES }) type!: IdentityType;
  @ApiProperty({ example: 'li.lei@example.com' }) value!: string;
}

export class ConversationOverviewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CHANNELS, description: 'The channel the customer last wrote on in this conversation' })
  channel!: Channel;
  @ApiPropertyOptional({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) lastMessageAt!: string;
  @ApiPropertyOptional({
    enum: CHANNELS,
    nullable: true,
    description: 'Channel of the latest message, inbound or outbound',
  })
  lastMessageChannel!: Channel | null;
  @ApiProperty() messageCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CustomerViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ enum: CUSTOMER_TIERS }) tier!: CustomerTier;
  @ApiPropertyOptional({ type: String, nullable: true }) externalId!: string | null;
  @ApiProperty({ type: [IdentityDto] }) identities!: IdentityDto[];
  @ApiProperty({ type: [ConversationOverviewDto] }) conversations!: ConversationOverviewDto[];
  @ApiProperty({ type: [String], description: 'Customers merged into this one' })
  mergedCustomerIds!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CustomerLookupQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 320) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) wechatOpenId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) externalId?: string;
}

export class MergeCustomersDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The customer merged into the one in the path; it ceases to exist',
  })
  @IsUUID()
  sourceCustomerId!: string;
}

export const CRM_IDENTITY_TYPES = ['email', 'phone', 'wechat'] as const;

export class CrmIdentityDto {
  @ApiProperty({ enum: CRM_IDENTITY_TYPES })
  @IsIn(CRM_IDENTITY_TYPES)
  type!: (typeof CRM_IDENTITY_TYPES)[number];
  @ApiProperty() @IsString() @Length(1, 320) value!: string;
}

export class CrmCustomerDto {
  @ApiPropertyOptional({ example: '王小明' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: CUSTOMER_TIERS, description: 'The CRM decides who is a VIP' })
  @IsOptional()
  @IsIn(CUSTOMER_TIERS)
  tier?: CustomerTier;
  @ApiPropertyOptional({ type: [CrmIdentityDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CrmIdentityDto)
  identities?: CrmIdentityDto[];
}
