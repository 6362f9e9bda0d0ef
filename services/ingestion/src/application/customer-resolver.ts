import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustomerTier } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import type { CustomerIdentity } from '../domain/customer-identity';
import type { Customer } from '../domain/message';
import { IngestionRepository } from '../infrastructure/ingestion.repository';

export interface CustomerProfileHint {
  name?: string;
  tier?: CustomerTier;
  externalId?: string;
}

/**
 * One customer across channels: finds the owner of any identity (following merges), links the
 * identities it did not know yet, or creates the customer; publishes what changed.
 */
@Injectable()
export class CustomerResolver {
  constructor(
    private readonly repository: IngestionRepository,
    private readonly publisher: EventPublisher,
  ) {}

  /** Finds without creating (e.g. an unsubscribe from someone never seen). */
  find(manager: EntityManager, tenantId: string, identities: CustomerIdentity[]): Promise<Customer | null> {
    return this.repository.findCustomerByIdentities(manager, tenantId, identities);
  }

  async resolve(
    manager: EntityManager,
    tenantId: string,
    identities: CustomerIdentity[],
    hint: CustomerProfileHint = {},
  ): Promise<Customer> {
    return (await this.resolveNoting(manager, tenantId, identities, hint)).customer;
  }

  /** As `resolve`, saying whether the customer was created just now (it then has no history at all). */
  async resolveNoting(
    manager: EntityManager,
    tenantId: string,
    identities: CustomerIdentity[],
    hint: CustomerProfileHint = {},
  ): Promise<{ customer: Customer; created: boolean }> {
    const externalId = hint.externalId ?? null;
    const found = await this.repository.findOrCreateCustomer(
      manager,
      { tenantId, name: hint.name ?? null, tier: hint.tier ?? 'standard', externalId },
      identities,
    );
    let customer = found.customer;
    if (found.created) {
      await this.publisher.publish(manager, {
        type: 'customer.created',
        tenantId,
        aggregateId: customer.id,
        payload: {
          customerId: customer.id,
          name: customer.name,
          tier: customer.tier,
          externalId,
          identities,
        },
      });
      return { customer, created: true };
    }
    const added = await this.repository.addIdentities(manager, tenantId, customer.id, found.unowned);
    const tierChanged = hint.tier !== undefined && hint.tier !== customer.tier;
    const nameAdded = hint.name !== undefined && customer.name === null;
    if (added.length > 0 || tierChanged || nameAdded) {
      await this.repository.updateCustomer(manager, tenantId, customer.id, {
        name: nameAdded ? hint.name : undefined,
        tier: hint.tier,
      });
      customer = { ...customer, tier: hint.tier ?? customer.tier, name: customer.name ?? hint.name ?? null };
      await this.publisher.publish(manager, {
        type: 'customer.updated',
        tenantId,
        aggregateId: customer.id,
        payload: {
          customerId: customer.id,
          name: customer.name,
          tier: customer.tier,
          externalId: customer.externalId,
          identities: await this.repository.identitiesOf(manager, tenantId, customer.id),
        },
      });
    }
    return { customer, created: false };
  }
}
