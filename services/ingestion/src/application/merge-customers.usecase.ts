import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CustomerTier } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';
import { CustomerRepository } from '../infrastructure/customer.repository';
import { GetCustomerUseCase, type CustomerView } from './get-customer.usecase';

const TIER_RANK: Record<CustomerTier, number> = { standard: 0, vip: 1, enterprise: 2 };

export interface MergeCustomersCommand {
  tenantId: string;
  targetId: string;
  sourceId: string;
  mergedBy: string | null;
}

/**
 * Two records that are one person: the source's identities, conversations and messages move to the
 * target, the source is marked merged into it, the merge is audited and `customer.merged` published,
 * all in one transaction. Repeating a merge already done answers with the merged customer.
 */
@Injectable()
export class MergeCustomersUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerRepository,
    private readonly publisher: EventPublisher,
    private readonly views: GetCustomerUseCase,
  ) {}

  async execute(command: MergeCustomersCommand): Promise<{ view: CustomerView; merged: boolean }> {
    const { tenantId, targetId, sourceId } = command;
    if (targetId === sourceId) {
      throw new IngestionException(
        IngestionErrorCode.MergeConflict,
        'a customer cannot be merged into itself',
        'sourceCustomerId',
      );
    }
    const merged = await this.dataSource.transaction(async (manager) => {
      const locked = await this.customers.lockPair(manager, tenantId, targetId, sourceId);
      const target = locked.get(targetId);
      const source = locked.get(sourceId);
      if (!target)
        throw new IngestionException(IngestionErrorCode.CustomerNotFound, `customer ${targetId} not found`);
      if (!source)
        throw new IngestionException(
          IngestionErrorCode.CustomerNotFound,
          `customer ${sourceId} not found`,
          'sourceCustomerId',
        );
      if (source.mergedInto === targetId) return false;
      if (source.mergedInto) {
        throw new IngestionException(
          IngestionErrorCode.MergeConflict,
          `customer ${sourceId} was already merged into another customer`,
          'sourceCustomerId',
        );
      }
      if (target.mergedInto) {
        throw new IngestionException(
          IngestionErrorCode.MergeConflict,
          `customer ${targetId} was merged into ${target.mergedInto}; merge into that one`,
        );
      }
      if (target.externalId && source.externalId && target.externalId !== source.externalId) {
        throw new IngestionException(
          IngestionErrorCode.MergeConflict,
          `both customers carry different CRM ids (${target.externalId}, ${source.externalId})`,
          'sourceCustomerId',
        );
      }
      const moved = await this.customers.merge(manager, tenantId, targetId, sourceId);
      // The survivor keeps what either record knew: a name, the CRM id, the higher tier.
      const profile = {
        name: target.name ?? source.name,
        tier: TIER_RANK[source.tier] > TIER_RANK[target.tier] ? source.tier : target.tier,
        externalId: target.externalId ?? source.externalId,
      };
      await this.customers.setProfile(manager, tenantId, targetId, profile);
      await this.customers.recordMerge(manager, {
        tenantId,
        targetId,
        sourceId,
        movedIdentities: moved,
        mergedBy: command.mergedBy,
      });
      await this.publisher.publish(manager, {
        type: 'customer.merged',
        tenantId,
        aggregateId: targetId,
        payload: {
          customerId: targetId,
          sourceCustomerId: sourceId,
          name: profile.name,
          tier: profile.tier,
          externalId: profile.externalId,
          identities: await this.customers.identities(tenantId, targetId, manager),
        },
      });
      return true;
    });
    return { view: await this.views.view(tenantId, targetId), merged };
  }
}
