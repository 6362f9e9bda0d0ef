import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import { DeliverRepliesUseCase } from '../../application/deliver-replies.usecase';
import type { IngestionConfig } from '../../config';
import { PeriodicTask } from '../../infrastructure/periodic-task';

/** Polls Postgres for due replies; the consumer only queues them, so a slow channel never blocks it. */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    deliver: DeliverRepliesUseCase,
    @InjectConfig() config: IngestionConfig,
    @InjectLogger() logger: AppLogger,
  ) {
    this.task = new PeriodicTask(
      'reply-delivery',
      config.DELIVERY_POLL_MS,
      async () => (await deliver.deliverDue()) === config.DELIVERY_BATCH_SIZE,
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /** New replies were queued: look sooner than the next poll. */
  kick(): void {
    this.task.kick();
  }
}
