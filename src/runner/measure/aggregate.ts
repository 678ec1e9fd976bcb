import type { Aggregation, ThresholdMetric } from '../thresholds/catalog.js';
import type { ThresholdWindow } from '../scenario/types.js';
import type { FleetRecorder } from './recorder.js';
import { exactSum, selectRank } from './order-stats.js';
import type { SampleSeries } from './series.js';

/** Index of the nearest-rank percentile `p` (0..100) among `count` sorted values. */
function rankOf(count: number, p: number): number {
  return Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1));
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentileOf(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[rankOf(sorted.length, p)];
}

/**
 * Nearest-rank percentile of values in any order (p in 0..100), found without sorting; the
 * array is reordered.
 */
export function percentileIn(values: Float64Array, p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (hasNaN(values)) return percentileOf(values.sort(), p);
  const rank = rankOf(values.length, p);
  selectRank(values, rank);
  return values[rank];
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) return true;
  return false;
}

/** count, avg, min, p50, p95, p99, max of a distribution (undefined fields when empty). */
export interface Summary {
  count: number;
  avg: number | undefined;
  min: number | undefined;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  max: number | undefined;
}

/**
 * Summarizes values (already in the unit to report). The ranks are selected, not sorted for,
 * and the sum is exact, so the summary does not depend on the order of the values. A
 * Float64Array the caller hands over (`owned`) is reordered in place: a day of pongs from a
 * large fleet is hundreds of megabytes.
 */
export function summarize(values: ArrayLike<number>, owned = false): Summary {
  const count = values.length;
  if (count === 0) {
    return {
      count,
      avg: undefined,
      min: undefined,
      p50: undefined,
      p95: undefined,
      p99: undefined,
      max: undefined,
    };
  }
  const all = owned && values instanceof Float64Array ? values : Float64Array.from(values);
  const avg = exactSum(all) / count;
  const r50 = rankOf(count, 50);
  const r95 = rankOf(count, 95);
  const r99 = rankOf(count, 99);
  let min = all[0]!;
  let max = min;
  if (hasNaN(all)) {
    // A sort puts NaN last, as neither a scan nor a selection would.
    all.sort();
    min = all[0]!;
    max = all[count - 1]!;
  } else {
    for (let i = 1; i < count; i++) {
      const v = all[i]!;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    // Each selection leaves the ranks above it in the part after it.
    selectRank(all, r50);
    selectRank(all, r95, r50);
    selectRank(all, r99, r95);
  }
  return { count, avg, min, p50: all[r50], p95: all[r95], p99: all[r99], max };
}

/**
 * Reads threshold metrics off a finished recording. Every duration is reported in scenario
 * time: measured time divided by timeScale, so a compressed run is judged by the same numbers
 * as a real-time one.
 */
export class Measurements {
  readonly #recorder: FleetRecorder;
  readonly #timeScale: number;

  constructor(recorder: FleetRecorder, timeScale: number) {
    this.#recorder = recorder;
    this.#timeScale = timeScale;
  }

  /** Samples of a trend metric in `window`, in seconds of scenario time (a new array). */
  trend(metric: ThresholdMetric, window: ThresholdWindow): Float64Array {
    const r = this.#recorder;
    const source: Partial<Record<ThresholdMetric, SampleSeries>> = {
      reconnect_duration_seconds: r.reconnectDurations,
      pong_rtt_seconds: r.pongRtts,
      alert_latency_seconds: r.alertLatencies,
      detection_seconds: r.detections,
    };
    const samples = source[metric];
    if (samples === undefined) return new Float64Array(0);
    const scale = this.#timeScale;
    return samples.values(
      window === 'all' ? undefined : (at) => r.windows.includes(window, at),
      (ms) => ms / 1000 / scale,
    );
  }

  /** Events of a counter metric in `window`. */
  count(metric: ThresholdMetric, window: ThresholdWindow): number {
    const r = this.#recorder;
    const inWindow = (times: readonly number[]) =>
      times.filter((t) => r.windows.includes(window, t)).length;
    switch (metric) {
      case 'alerts_lost':
        // Loss is judged at the end of the run, whatever the window.
        return r.undelivered();
      case 'alerts_duplicated':
        return inWindow(r.duplicates);
      case 'alerts_missed':
        return r.missed
          .filter((m) => r.windows.includes(window, m.at))
          .reduce((n, m) => n + m.value, 0);
      case 'alerts_published':
        return r.publishedCount;
      case 'alerts_delivered':
        return inWindow(r.deliveries);
      case 'disconnections':
        return inWindow(r.disconnections);
      case 'reconnect_attempts':
        return r.attempts.filter((a) => r.windows.includes(window, a.at)).length;
      case 'failed_attempts':
        return r.attempts.filter((a) => !a.opened && r.windows.includes(window, a.at)).length;
      case 'heartbeat_timeouts':
        return inWindow(r.heartbeatTimeouts);
      case 'poor_transitions':
        return inWindow(r.poorTransitions);
      default:
        return this.trend(metric, window).length;
    }
  }

  /** A ratio in [0, 1], or undefined without data. */
  ratio(metric: ThresholdMetric, window: ThresholdWindow): number | undefined {
    const r = this.#recorder;
    switch (metric) {
      case 'uptime_ratio': {
        const { connected, observed } = r.uptime();
        const pick = (s: { steady: number; fault: number }) =>
          window === 'all' ? s.steady + s.fault : s[window];
        const total = pick(observed);
        return total > 0 ? pick(connected) / total : undefined;
      }
      case 'reconnect_success_ratio': {
        const episodes = r.episodes.filter((e) => r.windows.includes(window, e.at));
        if (episodes.length === 0) return undefined;
        return episodes.filter((e) => e.outcome === 'recovered').length / episodes.length;
      }
      case 'connection_success_ratio': {
        const attempts = r.attempts.filter((a) => r.windows.includes(window, a.at));
        if (attempts.length === 0) return undefined;
        return attempts.filter((a) => a.opened).length / attempts.length;
      }
      default:
        return undefined;
    }
  }

  /** A gauge's value at the end of the run. */
  gauge(metric: ThresholdMetric, window: ThresholdWindow): number | undefined {
    const r = this.#recorder;
    if (metric === 'clients_failed') return r.failedClients;
    if (metric === 'peak_reconnects_per_second') {
      // The most connection opens in any sliding window of one scenario second (fixed buckets
      // would split a herd that straddles a second boundary).
      const windowMs = 1000 * this.#timeScale;
      const opens = r.opens.filter((at) => r.windows.includes(window, at)).sort((a, b) => a - b);
      let peak = 0;
      let from = 0;
      for (let to = 0; to < opens.length; to++) {
        while (opens[to]! - opens[from]! >= windowMs) from += 1;
        peak = Math.max(peak, to - from + 1);
      }
      return peak;
    }
    return undefined;
  }

  /** Length of `window` in scenario seconds. */
  windowSeconds(window: ThresholdWindow): number {
    const r = this.#recorder;
    return r.windows.length(window, r.startAt, r.endAt) / 1000 / this.#timeScale;
  }

  /** Applies an aggregation; undefined when the metric has no data in the window. */
  aggregate(
    metric: ThresholdMetric,
    aggregation: Aggregation,
    window: ThresholdWindow,
  ): number | undefined {
    switch (aggregation.kind) {
      case 'avg':
      case 'min':
      case 'max':
      case 'med':
      case 'p': {
        const values = this.trend(metric, window);
        if (aggregation.kind === 'p') return percentileIn(values, aggregation.percentile);
        const s = summarize(values, true);
        if (aggregation.kind === 'med') return s.p50;
        return s[aggregation.kind];
      }
      case 'count':
        return this.count(metric, window);
      case 'rate': {
        const ratio = this.ratio(metric, window);
        if (ratio !== undefined || metric === 'uptime_ratio' || metric.endsWith('_ratio'))
          return ratio;
        const seconds = this.windowSeconds(window);
        return seconds > 0 ? this.count(metric, window) / seconds : undefined;
      }
      case 'value':
        return metric.endsWith('_ratio') ? this.ratio(metric, window) : this.gauge(metric, window);
    }
  }
}
