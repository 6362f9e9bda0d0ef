import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CustomerTier, IdentityType } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { normalizeIdentity, type CustomerIdentity } from '../domain/customer-identity';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';
import { CustomerRepository } from '../infrastructure/customer.repository';
import { IngestionRepository } from '../infrastructure/ingestion.repository';
import { retryOnConflict } from './retry-on-conflict';
import { GetCustomerUseCase, type CustomerView } from './get-customer.usecase';

export interface UpsertCrmCustomerCommand {
  tenantId: string;
  externalId: string;
  name?: string;
  tier?: CustomerTier;
  identities?: Array<{ type: Exclude<IdentityType, 'external'>; value: string }>;
}

/**
 * The CRM is the source of a customer's name and tier (what makes a VIP): upserts the customer
 * its external id names, adopting the record that already owns one of its identities.
 */
@Injectable()
export class UpsertCrmCustomerUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IngestionRepository,
    private readonly customers: CustomerRepository,
    private readonly publisher: EventPublisher,
    private readonly views: GetCustomerUseCase,
  ) {}

  async execute(command: UpsertCrmCustomerCommand): Promise<{ view: CustomerView; created: boolean }> {
    const external = normalizeIdentity('external', command.externalId, 'externalId');
    const others = (command.identities ?? []).map((i, index) =>
      normalizeIdentity(i.type, i.value, `identities[${index}].value`),
    );
    const identities = [external, ...others];
    // Two upserts of one new CRM customer racing: the loser retries and updates the winner's record.
    const { id, created } = await retryOnConflict(() => this.upsert(command, external, identities));
    return { view: await this.views.view(command.tenantId, id), created };
  }

  private async upsert(
    command: UpsertCrmCustomerCommand,
    external: CustomerIdentity,
    identities: CustomerIdentity[],
  ): Promise<{ id: string; created: boolean }> {
    const { tenantId } = command;
    return this.dataSource.transaction(async (manager) => {
      const existing =
        (await this.repository.findCustomerByIdentities(manager, tenantId, [external])) ??
        (await this.repository.findCustomerByIdentities(manager, tenantId, identities.slice(1)));
      if (!existing) {
        const customer = await this.repository.createCustomer(
          manager,
          {
            tenantId,
            name: command.name ?? null,
            tier: command.tier ?? 'standard',
            externalId: external.value,
          },
          identities,
        );
        await this.publisher.publish(manager, {
          type: 'customer.created',
          tenantId,
          aggregateId: customer.id,
          payload: {
            customerId: customer.id,
            name: customer.name,
            tier: customer.tier,
            externalId: external.value,
            identities,
          },
        });
        return { id: customer.id, created: true };
      }
      if (existing.externalId !== null && existing.externalId !== external.value) {
        throw new IngestionException(
          IngestionErrorCode.IdentityConflict,
          `these identities belong to customer ${existing.id}, which has CRM id ${existing.externalId}`,
          'identities',
        );
      }
      const conflicts = await this.customers.foreignOwners(manager, tenantId, existing.id, identities);
      if (conflicts.length > 0) {
        const first = conflicts[0];
        const index = identities.indexOf(
          identities.find((i) => i.type === first.type && i.value === first.value) ?? identities[0],
        );
        throw new IngestionException(
          IngestionErrorCode.IdentityConflict,
          `${first.type} ${first.value} belongs to customer ${first.customerId}: merge the customers first`,
          index === 0 ? 'externalId' : `identities[${index - 1}].value`,
        );
      }
      const profile = {
        name: command.name ?? existing.name,
        tier: command.tier ?? existing.tier,
        externalId: external.value,
      };
      await this.customers.setProfile(manager, tenantId, existing.id, profile);
      await this.repository.addIdentities(manager, tenantId, existing.id, identities);
      await this.publisher.publish(manager, {
        type: 'customer.updated',
        tenantId,
        aggregateId: existing.id,
        payload: {
          customerId: existing.id,
          ...profile,
          identities: await this.repository.identitiesOf(manager, tenantId, existing.id),
        },
      });
      return { id: existing.id, created: false };
    });
  }
}
