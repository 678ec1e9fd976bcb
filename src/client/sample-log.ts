import type { Sample } from './stats.js';
import type { TimelineOptions } from './timeline.js';

/**
 * Timed numeric samples bounded by age and count, like the timeline's log, in a ring of two
 * Float64Arrays: 16 bytes a sample and no object per sample until {@link items} is read.
 */
export class SampleLog {
  #at = new Float64Array(8);
  #value = new Float64Array(8);
  #head = 0;
  #size = 0;
  readonly #options: TimelineOptions;

  constructor(options: TimelineOptions) {
    this.#options = options;
  }

  /** Samples held. */
  get size(): number {
    return this.#size;
  }

  /** Appends a sample and drops what falls outside the bounds at `at`. */
  push(at: number, value: number): void {
    const { maxEntries, retentionMs } = this.#options;
    if (maxEntries < 1) return;
    if (this.#size === this.#at.length) {
      if (this.#size < maxEntries) this.#grow(Math.min(maxEntries, this.#size * 2));
      else this.#drop();
    }
    const i = (this.#head + this.#size) % this.#at.length;
    this.#at[i] = at;
    this.#value[i] = value;
    this.#size += 1;
    const oldestKept = at - retentionMs;
    while (this.#size > 0 && (this.#size > maxEntries || this.#at[this.#head]! < oldestKept)) {
      this.#drop();
    }
  }

  /** Kept samples, oldest first. */
  items(): Sample[] {
    const out = new Array<Sample>(this.#size);
    const n = this.#at.length;
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#head + k) % n;
      out[k] = { at: this.#at[i]!, value: this.#value[i]! };
    }
    return out;
  }

  #drop(): void {
    this.#head = (this.#head + 1) % this.#at.length;
    this.#size -= 1;
  }

  #grow(capacity: number): void {
    const at = new Float64Array(capacity);
    const value = new Float64Array(capacity);
    const n = this.#at.length;
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#head + k) % n;
      at[k] = this.#at[i]!;
      value[k] = this.#value[i]!;
    }
    this.#at = at;
    this.#value = value;
    this.#head = 0;
  }
}
