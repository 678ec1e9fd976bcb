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
  /** At most this many entries are kept (oldest dropped first). Default 10000. */
  maxEntries: number;
}

/** Defaults: 24 hours, at most 10 000 entries. */
export const DEFAULT_TIMELINE: Readonly<TimelineOptions> = {
  retentionMs: 24 * 60 * 60 * 1000,
  maxEntries: 10_000,
};

/**
 * A time-ordered log bounded by age and count. Keeps the last dropped entry as a baseline, so a
 * window starting before the oldest kept entry still knows which state it began in.
 */
export class BoundedLog<T extends { at: number }> {
  #items: T[] = [];
  #head = 0;
  #baseline: T | undefined;
  readonly #options: TimelineOptions;
  readonly #keepAsBaseline: (item: T) => boolean;

  /**
   * @param options age and count bounds
   * @param keepAsBaseline which dropped items may serve as the baseline (default: all)
   */
  constructor(options: TimelineOptions, keepAsBaseline: (item: T) => boolean = () => true) {
    this.#options = options;
    this.#keepAsBaseline = keepAsBaseline;
  }

  /** Appends `item` and drops what falls outside the bounds at `item.at`. */
  push(item: T): void {
    this.#items.push(item);
    const oldestKept = item.at - this.#options.retentionMs;
    while (
      this.#head < this.#items.length &&
      (this.#items.length - this.#head > this.#options.maxEntries ||
        this.#items[this.#head]!.at < oldestKept)
    ) {
      const dropped = this.#items[this.#head++]!;
      if (this.#keepAsBaseline(dropped)) this.#baseline = dropped;
    }
    // Compact now and then so dropping stays O(1) amortised and a small log stays small.
    if (
      this.#head > Math.min(1024, this.#options.maxEntries) &&
      this.#head * 2 > this.#items.length
    ) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Kept items, oldest first (a copy). */
  items(): T[] {
    return this.#items.slice(this.#head);
  }

  /** The most recent dropped item that may serve as a baseline. */
  get baseline(): T | undefined {
    return this.#baseline;
  }
}
