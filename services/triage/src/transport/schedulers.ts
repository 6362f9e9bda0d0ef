import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectLogger, type AppLogger } from '@helpdesk/platform';
import { CloseResolvedTicketsUseCase } from '../application/close-resolved-tickets.usecase';
import { DispatchWaitingUseCase } from '../application/dispatch-waiting.usecase';
import { ProcessDueSlaUseCase } from '../application/process-due-sla.usecase';
import { TriageConfig } from '../config';
import { Clock } from '../infrastructure/clock';

/** Most tickets one SLA tick processes before yielding (the next tick continues). */
const SLA_BATCH = 500;
const AUTO_CLOSE_EVERY_MS = 60_000;
const AUTO_CLOSE_BATCH = 200;

/** A repeating job: runs, then waits its interval; never two runs at once; stoppable and awaitable. */
class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly job: () => Promise<void>,
    private readonly logger: AppLogger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.job()
        .catch((err: unknown) => this.logger.error({ err, job: this.name }, 'scheduled job failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delay);
    this.timer.unref();
  }
}

/**
 * The interval pollers of triage: SLA warnings/breaches (every replica polls; `SKIP LOCKED` shares the
 * due tickets), the waiting-queue sweep, and closing resolved tickets after the reopen window.
 */
@Injectable()
export class TriageSchedulers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pollers: Poller[] = [];
  private lastAutoClose = 0;

  constructor(
    private readonly config: TriageConfig,
    private readonly clock: Clock,
    private readonly dueSla: ProcessDueSlaUseCase,
    private readonly dispatch: DispatchWaitingUseCase,
    private readonly autoClose: CloseResolvedTicketsUseCase,
    @InjectLogger() private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULERS_ENABLED) return;
    this.pollers.push(
      new Poller(
        'sla',
        this.config.SLA_POLL_INTERVAL_MS,
        async () => void (await this.slaTick()),
        this.logger,
      ),
      new Poller(
        'dispatch',
        this.config.DISPATCH_SWEEP_INTERVAL_MS,
        async () => void (await this.dispatchTick()),
        this.logger,
      ),
    );
    for (const p of this.pollers) p.start();
  }

  /** Before the platform closes its connections (beforeApplicationShutdown), the jobs finish their step. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }

  async slaTick(): Promise<number> {
    const now = this.clock.now();
    let processed = 0;
    while (processed < SLA_BATCH) {
      const outcome = await this.dueSla.executeOne(now);
      if (outcome === null) break;
      if (outcome.error)
        this.logger.error(
          { ticketId: outcome.ticketId, err: outcome.error },
          'SLA step failed; ticket postponed',
        );
      processed++;
    }
    if (this.config.AUTO_CLOSE_AFTER_HOURS > 0 && now.getTime() - this.lastAutoClose >= AUTO_CLOSE_EVERY_MS) {
      this.lastAutoClose = now.getTime();
      for (let i = 0; i < AUTO_CLOSE_BATCH; i++) {
        if ((await this.autoClose.executeOne(now, this.config.AUTO_CLOSE_AFTER_HOURS)) === null) break;
      }
    }
    return processed;
  }

  async dispatchTick(): Promise<number> {
    return this.dispatch.execute(this.clock.now());
  }
}
