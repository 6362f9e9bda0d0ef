import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QueueRepository, type QueueSettings, type StoredQueue } from '../infrastructure/queue.repository';

export interface SaveQueueCommand extends QueueSettings {
  tenantId: string;
  queueId: string;
}

/** PUT /v1/queues/:id — tickets already waiting keep the requirements they were routed with. */
@Injectable()
export class SaveQueueUseCase {
  constructor(private readonly queues: QueueRepository) {}

  execute(manager: EntityManager, cmd: SaveQueueCommand): Promise<StoredQueue> {
    return this.queues.upsert(manager, cmd.tenantId, cmd.queueId, cmd);
  }
}
