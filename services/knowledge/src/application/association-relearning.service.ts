import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import type { KnowledgeConfig } from '../config';
import { SearchIndexService } from './search-index.service';
import { TenantCoalescer } from './tenant-coalescer';

/** Gathers a burst of votes (a consumer batch, an import) into one relearn. */
const DEBOUNCE_MS = 500;
/**
 * Learning is CPU work on the event loop (about 2 s for 6,000 Chinese pairs, in 10 ms slices): a tenant's
 * relearns may take at most this share of it, so a large tenant is relearned less often instead of
 * slowing requests and consumers.
 */
const MAX_BUSY_SHARE = 0.05;

/**
 * Keeps every tenant's learned term associations on this replica in step with its answered questions.
 *
 * - Votes: every replica reads every `article.feedback-recorded` on its index-sync consumer and asks for
 *   the tenant to be relearned (`request`), as does an edited article of a tenant whose table was
 *   learned from titles.
 * - Deflected automatic answers: settled in Postgres by the one replica that consumed the ticket's
 *   events, with no event of their own. Every `ASSOCIATION_SWEEP_SECONDS` each replica asks Postgres
 *   which tenants' deflections changed since their table was learned and relearns those.
 *
 * Relearns run in the background, one at a time per tenant, at most once per
 * `ASSOCIATION_RELEARN_MIN_INTERVAL_MS` per tenant.
 */
@Injectable()
export class AssociationRelearningService implements BeforeApplicationShutdown {
  private readonly coalescer: TenantCoalescer;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly index: SearchIndexService,
    @InjectConfig() private readonly config: KnowledgeConfig,
    @InjectLogger() private readonly logger: AppLogger,
  ) {
    this.coalescer = new TenantCoalescer(
      async (tenantId) => {
        const t0 = performance.now();
        const learned = await this.index.relearnAssociations(tenantId);
        this.logger.debug(
          { tenantId, ...learned, ms: Math.round(performance.now() - t0) },
          'term associations relearned',
        );
      },
      {
        debounceMs: Math.min(DEBOUNCE_MS, config.ASSOCIATION_RELEARN_MIN_INTERVAL_MS),
        minIntervalMs: config.ASSOCIATION_RELEARN_MIN_INTERVAL_MS,
        maxBusyShare: MAX_BUSY_SHARE,
      },
      (tenantId, err) =>
        this.logger.warn(
          { tenantId, err: err instanceof Error ? err.message : String(err) },
          'relearning term associations failed; will try again',
        ),
    );
  }

  /** Relearn the tenant soon; returns at once. */
  request(tenantId: string): void {
    this.coalescer.request(tenantId);
  }

  /** Starts the deflection sweep; called once the index was rebuilt, so a sweep never races the rebuild. */
  start(): void {
    const seconds = this.config.ASSOCIATION_SWEEP_SECONDS;
    if (seconds <= 0 || this.sweepTimer) return;
    this.sweepTimer = setInterval(() => void this.sweep(), seconds * 1000);
    this.sweepTimer.unref();
  }

  /** Asks for a relearn of every tenant whose deflected answers changed; returns those tenants. */
  async sweep(): Promise<string[]> {
    if (this.sweeping) return [];
    this.sweeping = true;
    try {
      const stale = await this.index.staleDeflections();
      for (const tenantId of stale) this.request(tenantId);
      return stale;
    } catch (err: unknown) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'deflection sweep failed; next one at the usual time',
      );
      return [];
    } finally {
      this.sweeping = false;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.coalescer.stop();
  }
}
