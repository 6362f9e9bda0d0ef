/**
 * Texts of events that passed validation lately in this process. Several consumer groups of one
 * service read the same record (each its own copy of the same bytes), and validating every copy
 * was the largest CPU cost of the consuming services: a text seen valid before is valid again, so
 * only its first copy is validated. Bounded: the oldest texts are forgotten first.
 */
export class RecentlyValidated {
  private readonly texts = new Set<string>();

  constructor(private readonly capacity = 2048) {}

  has(text: string): boolean {
    return this.texts.has(text);
  }

  add(text: string): void {
    if (this.texts.has(text)) return;
    this.texts.add(text);
    if (this.texts.size > this.capacity) {
      const oldest = this.texts.values().next();
      if (!oldest.done) this.texts.delete(oldest.value);
    }
  }

  get size(): number {
    return this.texts.size;
  }
}

/** Shared by every consumer of the process. */
export const recentlyValidatedEvents = new RecentlyValidated();
