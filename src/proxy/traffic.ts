import type { TrafficCounter } from './link.js';
import type { Direction } from './toxic-entry.js';

/** The labels Toxiproxy puts on its byte counters. */
export interface TrafficLabels {
  readonly direction: Direction;
  readonly proxy: string;
  readonly listener: string;
  readonly upstream: string;
}

/** A counter with its labels. */
export interface LabelledCounter extends TrafficCounter {
  readonly labels: TrafficLabels;
}

/**
 * Byte counters per (direction, proxy, listener, upstream), kept for the server's lifetime like
 * Prometheus counters: deleting and re-creating a proxy does not reset them.
 */
export class TrafficMeter {
  readonly #counters = new Map<string, LabelledCounter>();

  /** The counter for these labels, created at zero on first use. */
  counter(labels: TrafficLabels): TrafficCounter {
    const key = [labels.direction, labels.proxy, labels.listener, labels.upstream].join('\u0000');
    let counter = this.#counters.get(key);
    if (counter === undefined) {
      counter = { labels, receivedBytes: 0, sentBytes: 0 };
      this.#counters.set(key, counter);
    }
    return counter;
  }

  /** Every counter, in creation order. */
  all(): readonly LabelledCounter[] {
    return [...this.#counters.values()];
  }
}
