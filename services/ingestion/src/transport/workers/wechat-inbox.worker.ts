import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import { ProcessWeChatInboxUseCase } from '../../application/process-wechat-inbox.usecase';
import type { IngestionConfig } from '../../config';
import { PeriodicTask } from '../../infrastructure/periodic-task';
import { WeChatInboxRepository } from '../../infrastructure/wechat-inbox.repository';

const BATCH = 20;

/** Processes each stored push right after the request answered, and sweeps what a crash or a failure left pending. */
@Injectable()
export class WeChatInboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    private readonly process: ProcessWeChatInboxUseCase,
    private readonly inbox: WeChatInboxRepository,
    @InjectConfig() config: IngestionConfig,
    @InjectLogger() logger: AppLogger,
  ) {
    this.task = new PeriodicTask('wechat-inbox', config.WECHAT_INBOX_POLL_MS, () => this.sweep(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /** Processes the entry on the next turn of the event loop, after the answer has been sent. */
  processSoon(tenantId: string, id: string): void {
    this.task.track(
      new Promise((resolve) => setImmediate(resolve)).then(() => this.process.process(tenantId, id)),
    );
  }

  private async sweep(): Promise<boolean> {
    const due = await this.inbox.due(BATCH);
    for (const entry of due) await this.process.process(entry.tenantId, entry.id);
    return due.length === BATCH;
  }
}
