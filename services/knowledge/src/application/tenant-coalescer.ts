export interface CoalescingOptions {
  /** Wait after the first request, so a burst of changes leads to one run. */
  debounceMs: number;
  /** Least time between the starts of two runs for one tenant. */
  minIntervalMs: number;
  /**
   * Largest share of the time one tenant's runs may take: after a run of d ms the next starts no sooner
   * than d / share after it began (learning is CPU work on the event loop, growing with the tenant).
   */
  maxBusyShare: number;
}

interface TenantState {
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** Requested since the current run (or timer) began. */
  pending: boolean;
  lastStartedAt: number;
  lastDurationMs: number;
}

/**
 * Runs `work(tenantId)` in the background after `request(tenantId)`: requests that arrive while a run is
 * waiting or going are folded into one later run, at most one run per tenant goes at a time, and two
 * runs of a tenant start at least `minIntervalMs` apart (further when runs are long, see `maxBusyShare`). A failed run is tried again the same way.
 * `request` never waits, so callers on a request or consumer path are never held up.
 */
export class TenantCoalescer {
  private readonly tenants = new Map<string, TenantState>();
  private stopped = false;

  constructor(
    private readonly work: (tenantId: string) => Promise<void>,
    private readonly options: CoalescingOptions,
    private readonly onError: (tenantId: string, err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  request(tenantId: string): void {
    if (this.stopped) return;
    let state = this.tenants.get(tenantId);
    if (!state)
      this.tenants.set(
        tenantId,
        (state = {
          timer: undefined,
          running: undefined,
          pending: false,
          lastStartedAt: -Infinity,
          lastDurationMs: 0,
        }),
      );
    state.pending = true;
    // A waiting timer will see this request; a running one re-arms when it ends.
    if (state.timer || state.running) return;
    this.arm(tenantId, state);
  }

  /** Whether a run for the tenant is waiting or going. */
  busy(tenantId: string): boolean {
    const state = this.tenants.get(tenantId);
    return state !== undefined && (state.timer !== undefined || state.running !== undefined);
  }

  /** No new runs; waits for the ones going. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running: Array<Promise<void>> = [];
    for (const state of this.tenants.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = undefined;
      if (state.running) running.push(state.running);
    }
    await Promise.all(running);
  }

  private arm(tenantId: string, state: TenantState): void {
    const gap = Math.max(this.options.minIntervalMs, state.lastDurationMs / this.options.maxBusyShare);
    const wait = Math.max(this.options.debounceMs, state.lastStartedAt + gap - this.now());
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.start(tenantId, state);
    }, wait);
    state.timer.unref();
  }

  private start(tenantId: string, state: TenantState): void {
    if (this.stopped) return;
    state.pending = false;
    state.lastStartedAt = this.now();
    const run = (async () => {
      try {
        await this.work(tenantId);
      } catch (err: unknown) {
        state.pending = true;
        this.onError(tenantId, err);
      }
    })();
    state.running = run;
    void run.then(() => {
      state.running = undefined;
      state.lastDurationMs = this.now() - state.lastStartedAt;
      if (state.pending && !this.stopped) this.arm(tenantId, state);
    });
  }
}
