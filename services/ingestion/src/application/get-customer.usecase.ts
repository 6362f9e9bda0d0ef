import { Injectable } from '@nestjs/common';
import type { CustomerTier } from '@helpdesk/contracts';
import { normalizeIdentity, type CustomerIdentity } from '../domain/customer-identity';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';
import { CustomerRepository, type ConversationOverview } from '../infrastructure/customer.repository';

export interface CustomerView {
  id: string;
  name: string | null;
  tier: CustomerTier;
  externalId: string | null;
  identities: CustomerIdentity[];
  conversations: ConversationOverview[];
  /** Customers that were merged into this one. */
  mergedCustomerIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CustomerLookup {
  email?: string;
  phone?: string;
  wechatOpenId?: string;
  externalId?: string;
}

/** The unified customer: every identity, every conversation across channels. */
@Injectable()
export class GetCustomerUseCase {
  constructor(private readonly customers: CustomerRepository) {}

  /** A customer merged away answers with the customer it lives on in. */
  async byId(tenantId: string, id: string): Promise<CustomerView> {
    const customer = await this.customers.resolve(tenantId, id);
    if (!customer)
      throw new IngestionException(IngestionErrorCode.CustomerNotFound, `customer ${id} not found`);
    return this.view(tenantId, customer.id);
  }

  async lookup(tenantId: string, query: CustomerLookup): Promise<CustomerView> {
    const given = (['email', 'phone', 'wechatOpenId', 'externalId'] as const).filter(
      (k) => query[k] !== undefined && query[k] !== '',
    );
    if (given.length !== 1) {
      throw new IngestionException(
        IngestionErrorCode.InvalidQuery,
        'give exactly one of email, phone, wechatOpenId, externalId',
        given[1] ?? 'email',
      );
    }
    const field = given[0];
    const type = field === 'wechatOpenId' ? 'wechat' : field === 'externalId' ? 'external' : field;
    const identity = normalizeIdentity(type, query[field] ?? '', field);
    const customer = await this.customers.findByIdentity(tenantId, identity);
    if (!customer)
      throw new IngestionException(IngestionErrorCode.CustomerNotFound, `no customer with this ${field}`);
    return this.view(tenantId, customer.id);
  }

  async view(tenantId: string, id: string): Promise<CustomerView> {
    const customer = await this.customers.find(tenantId, id);
    if (!customer)
      throw new IngestionException(IngestionErrorCode.CustomerNotFound, `customer ${id} not found`);
    const [identities, conversations, mergedCustomerIds] = await Promise.all([
      this.customers.identities(tenantId, id),
      this.customers.conversations(tenantId, id),
      this.customers.mergedSources(tenantId, id),
    ]);
    return {
      id: customer.id,
      name: customer.name,
      tier: customer.tier,
      externalId: customer.externalId,
      identities,
      conversations,
      mergedCustomerIds,
      createdAt: customer.createdAt,
      updatedAt: customer.updatedAt,
    };
  }
}
