/** Field order inside a posting entry and in per-document lengths. */
export enum IndexedField {
  Title = 0,
  Body = 1,
  Tags = 2,
}
export const FIELD_COUNT = 3;
/** Term frequencies saturate in BM25 long before this, so one byte per field is enough. */
export const MAX_FREQUENCY = 0xff;

/**
 * Documents containing one term that were added since the last compaction, with the term's
 * frequency in each field. Compaction moves them into the index's frozen arrays.
 */
export class PostingList {
  slots: Int32Array;
  /** FIELD_COUNT frequencies per entry. */
  freqs: Uint8Array;
  size = 0;

  constructor(capacity = 2) {
    this.slots = new Int32Array(capacity);
    this.freqs = new Uint8Array(capacity * FIELD_COUNT);
  }

  /** `packed` holds the frequency in field f at bits 8f..8f+7. */
  push(slot: number, packed: number): void {
    if (this.size === this.slots.length) {
      const slots = new Int32Array(this.size * 2);
      slots.set(this.slots);
      const grown = new Uint8Array(this.size * 2 * FIELD_COUNT);
      grown.set(this.freqs);
      this.slots = slots;
      this.freqs = grown;
    }
    this.slots[this.size] = slot;
    const base = this.size * FIELD_COUNT;
    for (let f = 0; f < FIELD_COUNT; f++) this.freqs[base + f] = (packed >>> (8 * f)) & MAX_FREQUENCY;
    this.size++;
  }
}

/** Unsorted (term, slot, frequencies) entries collected during a bulk build, sorted into place by compaction. */
export class PostingBuffer {
  terms = new Int32Array(1 << 16);
  slots = new Int32Array(1 << 16);
  freqs = new Uint8Array((1 << 16) * FIELD_COUNT);
  size = 0;

  push(term: number, slot: number, packed: number): void {
    if (this.size === this.terms.length) this.grow();
    this.terms[this.size] = term;
    this.slots[this.size] = slot;
    const base = this.size * FIELD_COUNT;
    for (let f = 0; f < FIELD_COUNT; f++) this.freqs[base + f] = (packed >>> (8 * f)) & MAX_FREQUENCY;
    this.size++;
  }

  private grow(): void {
    const capacity = this.terms.length * 2;
    const terms = new Int32Array(capacity);
    terms.set(this.terms);
    const slots = new Int32Array(capacity);
    slots.set(this.slots);
    const freqs = new Uint8Array(capacity * FIELD_COUNT);
    freqs.set(this.freqs);
    this.terms = terms;
    this.slots = slots;
    this.freqs = freqs;
  }
}
