import type { ClientStateName, Quality, TransitionReason } from './events.js';

/** What a timeline entry records: a state entered, or link quality turning poor or good. */
export type TimelineKind = ClientStateName | Quality;

/** One stamped moment of the connection's history. */
export interface TimelineEntry {
  /** Clock time, epoch ms. */
  at: number;
  kind: TimelineKind;
  /** Why (state entries only). */
  reason?: TransitionReason;
  attempt?: number;
  closeCode?: number;
  httpStatus?: number;
  delayMs?: number;
  detectionMs?: number;
}

/** Bounds of the timeline. */
export interface TimelineOptions {
  /** Entries older than this are dropped, ms. Default 24 h. */
  retentionMs: number;
  /**
   * At most this many entries are kept (oldest dropped first). Default 10000. 0 keeps no log at
   * all: `timeline()` is empty and `stats()` has nothing to count (for fleets measured from the
   * clients' events, where a log per client would only cost memory).
   */
  maxEntries: number;
}

/** Defaults: 24 hours, at most 10 000 entries. */
export const DEFAULT_TIMELINE: Readonly<TimelineOptions> = {
  retentionMs: 24 * 60 * 60 * 1000,
  maxEntries: 10_000,
};

/**
 * A time-ordered log bounded by age and count. Keeps the last dropped entry as a baseline, so a
 * window starting before the oldest kept entry still knows which state it began in. A ring
 * buffer that grows to `maxEntries` at most: pushing and dropping cost O(1) and a full log
 * allocates nothing but its items.
 */
export class BoundedLog<T extends { at: number }> {
  #ring: (T | undefined)[] = new Array<T | undefined>(8);
  #head = 0;
  #size = 0;
  #baseline: T | undefined;
  readonly #options: TimelineOptions;
  readonly #keepAsBaseline: ((item: T) => boolean) | undefined;

  /**
   * @param options age and count bounds
   * @param keepAsBaseline which dropped items may serve as the baseline (default: all)
   */
  constructor(options: TimelineOptions, keepAsBaseline?: (item: T) => boolean) {
    this.#options = options;
    this.#keepAsBaseline = keepAsBaseline;
  }

  /** Appends `item` and drops what falls outside the bounds at `item.at`. */
  push(item: T): void {
    const { maxEntries, retentionMs } = this.#options;
    if (this.#size === this.#ring.length) {
      if (this.#size < maxEntries) this.#grow();
      else this.#dropOldest();
    }
    this.#ring[(this.#head + this.#size) % this.#ring.length] = item;
    this.#size += 1;
    const oldestKept = item.at - retentionMs;
    while (this.#size > 0 && (this.#size > maxEntries || this.#ring[this.#head]!.at < oldestKept)) {
      this.#dropOldest();
    }
  }

  /** Kept items, oldest first (a copy). */
  items(): T[] {
    const out = new Array<T>(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.#ring[(this.#head + i) % this.#ring.length]!;
    return out;
  }

  /** The most recent dropped item that may serve as a baseline. */
  get baseline(): T | undefined {
    return this.#baseline;
  }

  #dropOldest(): void {
    const dropped = this.#ring[this.#head]!;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.#size -= 1;
    if (this.#keepAsBaseline === undefined || this.#keepAsBaseline(dropped)) {
      this.#baseline = dropped;
    }
  }

  #grow(): void {
    const capacity = Math.min(Math.max(this.#options.maxEntries, 1), this.#ring.length * 2);
    const ring = this.items() as (T | undefined)[];
    ring.length = capacity;
    this.#ring = ring;
    this.#head = 0;
  }
}
