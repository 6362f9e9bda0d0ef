import { Injectable } from '@nestjs/common';
import type { TicketClassification } from '../domain/ticket';
import { TenantClassifiers, type ClassifyRequest } from './tenant-classifiers.service';

/** POST /v1/classify: the tenant's classifier on a text, creating nothing. */
@Injectable()
export class ClassifyTextUseCase {
  constructor(private readonly classifiers: TenantClassifiers) {}

  async execute(tenantId: string, request: ClassifyRequest): Promise<TicketClassification> {
    return (await this.classifiers.classify(tenantId, request)).classification;
  }
}
