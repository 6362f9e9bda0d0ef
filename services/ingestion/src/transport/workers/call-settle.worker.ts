import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import { RecordCallEventUseCase } from '../../application/record-call-event.usecase';
import type { IngestionConfig } from '../../config';
import { PeriodicTask } from '../../infrastructure/periodic-task';

const BATCH = 20;

/** Hands out call-back requests and bare voicemails once a call's settle time has passed without a transcript. */
@Injectable()
export class CallSettleWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    recordCallEvent: RecordCallEventUseCase,
    @InjectConfig() config: IngestionConfig,
    @InjectLogger() logger: AppLogger,
  ) {
    this.task = new PeriodicTask(
      'call-settle',
      config.CTI_FLUSH_POLL_MS,
      async () => (await recordCallEvent.flushDue(BATCH)) === BATCH,
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
