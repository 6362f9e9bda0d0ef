import type { DataSource, EntityManager } from 'typeorm';

export type UnitOfWork<T> = (manager: EntityManager) => Promise<T>;

interface Queued {
  work: UnitOfWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Units of work one group runs at most: bounds how long the first of them waits for the last. */
const DEFAULT_GROUP_LIMIT = 32;

/**
 * Group commit: units of work that arrive in the same tick of the event loop (the requests of one
 * burst) run one after another in one transaction, so they share its `BEGIN`, its `COMMIT` and the
 * one statement that writes everything they deferred. A single unit runs in a transaction of its own,
 * as it would without grouping.
 *
 * Should any unit of a group fail, or the commit itself, the group is rolled back and every unit is
 * run again in a transaction of its own: one unit's error (a conflict, a refused request) never
 * reaches another, and each caller sees exactly the outcome it would have seen alone.
 */
export class TransactionGroups {
  private queued: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly groupLimit = DEFAULT_GROUP_LIMIT,
  ) {}

  run<T>(work: UnitOfWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queued;
    this.queued = [];
    for (let i = 0; i < queued.length; i += this.groupLimit) void this.runGroup(queued.slice(i, i + this.groupLimit));
  }

  private async runGroup(group: readonly Queued[]): Promise<void> {
    if (group.length === 1) return this.runAlone(group[0]);
    let results: unknown[];
    try {
      results = await this.dataSource.transaction(async (manager) => {
        const out: unknown[] = [];
        for (const { work } of group) out.push(await work(manager));
        return out;
      });
    } catch {
      await Promise.all(group.map((queued) => this.runAlone(queued)));
      return;
    }
    group.forEach(({ resolve }, i) => resolve(results[i]));
  }

  private async runAlone({ work, resolve, reject }: Queued): Promise<void> {
    try {
      resolve(await this.dataSource.transaction(work));
    } catch (err) {
      reject(err);
    }
  }
}
