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
 * Byte counters per (direction, proxy, listener, upstream). A proxy's counters live as long as
 * the proxy: deleting it drops its series from /metrics (a dashboard would otherwise show a
 * deleted proxy forever), and one created again under the name starts at zero, which
 * Prometheus's `rate()` reads as a counter reset.
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

  /** Drops every counter of the proxy named `proxy`. */
  forget(proxy: string): void {
    for (const [key, counter] of this.#counters) {
      if (counter.labels.proxy === proxy) this.#counters.delete(key);
    }
  }

  /** Every counter, in creation order. */
  all(): readonly LabelledCounter[] {
    return [...this.#counters.values()];
  }
}
