import type { AppLogger } from '@helpdesk/platform';

/**
 * Runs `tick` every `intervalMs` without overlapping itself; `kick` runs it again soon (new work
 * was just stored), `stop` waits for the running tick and any work handed to `track`.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    /** Returns true when it did a full batch and should run again at once. */
    private readonly tick: () => Promise<boolean>,
    private readonly logger: AppLogger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.intervalMs);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Keeps a fire-and-forget job (processing right after a request) inside the shutdown wait. */
  track<T>(job: Promise<T>): void {
    const settled = job.then(
      () => undefined,
      (err: unknown) => this.logger.error({ err, task: this.name }, 'background job failed'),
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await Promise.all([...this.inFlight]);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    let more = false;
    this.running = (async () => {
      try {
        more = await this.tick();
      } catch (err: unknown) {
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err), task: this.name },
          'periodic task failed; will try again',
        );
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const soon = more || this.again;
    this.again = false;
    this.schedule(soon ? 0 : this.intervalMs);
  }
}
