import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import { DeliverWebhooksUseCase } from '../../application/deliver-webhooks.usecase';
import type { IngestionConfig } from '../../config';
import { PeriodicTask } from '../../infrastructure/periodic-task';

/** Polls the CRM webhook queues; consumers and replays only queue deliveries, so a slow CRM blocks nothing else. */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    deliver: DeliverWebhooksUseCase,
    @InjectConfig() config: IngestionConfig,
    @InjectLogger() logger: AppLogger,
  ) {
    this.task = new PeriodicTask(
      'crm-webhook-delivery',
      config.WEBHOOK_POLL_MS,
      // A full batch, or any delivery just recorded (it may have freed the next one of its queue): look again at once.
      async () => (await deliver.deliverDue()) > 0,
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /** Deliveries were just queued: look sooner than the next poll. */
  kick(): void {
    this.task.kick();
  }
}
