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
