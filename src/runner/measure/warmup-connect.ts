import type { Aggregation } from '../thresholds/catalog.js';

/**
 * The warm-up's connect time, real ms, at the percentile `aggregation` looks at: p(N) its Nth,
 * max its slowest, min its fastest, avg and med its median. 0 without a warm-up measured.
 */
export function warmupConnectAt(sortedMs: readonly number[], aggregation: Aggregation): number {
  if (sortedMs.length === 0) return 0;
  const q =
    aggregation.kind === 'p'
      ? aggregation.percentile / 100
      : aggregation.kind === 'max'
        ? 1
        : aggregation.kind === 'min'
          ? 0
          : 0.5;
  return sortedMs[Math.min(sortedMs.length - 1, Math.max(0, Math.ceil(q * sortedMs.length) - 1))]!;
}

/** The warm-up's herd: every client connecting at once, as this machine took it. */
export interface WarmupHerd {
  /** Connections the warm-up opened. */
  opens: number;
  /** Clock ms from its first open to its last (0 with fewer than two). */
  openSpanMs: number;
  /**
   * How long each connection took to open from the fleet's connect, clock ms, ascending: what
   * a connect costs this machine in a herd the fleet's size, with no fault and no backoff in
   * it. Empty when the fleet's connect time is not known.
   */
  connectMs: number[];
}

/** The herd of the warm-up whose connections opened at `opensAt`, the fleet connected at `fromMs`. */
export function warmupHerdOf(opensAt: readonly number[], fromMs?: number): WarmupHerd {
  // A loop, not Math.min(...opensAt): a fleet of 100,000 would overflow the call's arguments.
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const at of opensAt) {
    if (at < first) first = at;
    if (at > last) last = at;
  }
  return {
    opens: opensAt.length,
    openSpanMs: opensAt.length < 2 ? 0 : last - first,
    connectMs:
      fromMs === undefined
        ? []
        : opensAt.map((at) => Math.max(0, at - fromMs)).sort((a, b) => a - b),
  };
}
