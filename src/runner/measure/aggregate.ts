import type { Aggregation, ThresholdMetric } from '../thresholds/catalog.js';
import type { ThresholdWindow } from '../scenario/types.js';
import type { FleetRecorder, TrendSeries } from './recorder.js';
import { summarize, type Summary } from './order-stats.js';
import { seriesPercentile, summarizeSeries, type SeriesView } from './series-stats.js';
import { HistogramSeries } from './histogram-series.js';

// Fewer warm-up connections than this say nothing about the machine's accept rate.
const MIN_WARMUP_HERD = 50;

/** How long a delivery may be in flight before an alert counts as lost, scenario ms. */
export const DELIVERY_DEADLINE_MS = 10_000;

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
    const samples = this.#series(metric);
    if (samples === undefined) return new Float64Array(0);
    if (samples instanceof HistogramSeries) {
      throw new Error(`${metric} is kept as a histogram: its samples are not held`);
    }
    const { keep, map } = this.#view(window);
    return samples.values(keep, map);
  }

  /**
   * The summary of a trend metric in `window`, in seconds of scenario time, read in place (the
   * same figures as summarizing {@link trend}'s copy).
   */
  summary(metric: ThresholdMetric, window: ThresholdWindow): Summary {
    const samples = this.#series(metric);
    if (samples === undefined) return summarize([]);
    const view = this.#view(window);
    return samples instanceof HistogramSeries
      ? samples.summarize(view)
      : summarizeSeries(samples, view);
  }

  #series(metric: ThresholdMetric): TrendSeries | undefined {
    const r = this.#recorder;
    switch (metric) {
      case 'reconnect_duration_seconds':
        return r.reconnectDurations;
      case 'pong_rtt_seconds':
        return r.pongRtts;
      case 'alert_latency_seconds':
        return r.alertLatencies;
      case 'detection_seconds':
        return r.detections;
      case 'catch_up_seconds':
        return r.catchUps;
      default:
        return undefined;
    }
  }

  #view(window: ThresholdWindow): SeriesView {
    const r = this.#recorder;
    const scale = this.#timeScale;
    return {
      keep: window === 'all' ? undefined : (at) => r.windows.includes(window, at),
      map: (ms) => ms / 1000 / scale,
    };
  }

  /** Events of a counter metric in `window`. */
  count(metric: ThresholdMetric, window: ThresholdWindow): number {
    const r = this.#recorder;
    const inWindow = (times: readonly number[]) =>
      times.filter((t) => r.windows.includes(window, t)).length;
    switch (metric) {
      case 'alerts_lost':
        // Loss is judged at the end of the run, whatever the window; while it runs (the live
        // feed), an alert is lost only once a connected client lacks it past the deadline the
        // final drain gives deliveries in flight.
        return r.overdue(Math.max(DELIVERY_DEADLINE_MS * this.#timeScale, 1000));
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
        // Outages only: a token refresh or a restart the server announced is counted apart.
        return inWindow(r.disconnections) - inWindow(r.plannedDisconnections);
      case 'planned_disconnections':
        return inWindow(r.plannedDisconnections);
      case 'reconnect_attempts':
        return inWindow(r.attempts);
      case 'failed_attempts':
        return countInWindow(r.attempts, r.attemptsOpened, false, (at) =>
          r.windows.includes(window, at),
        ).matching;
      case 'heartbeat_timeouts':
        return inWindow(r.heartbeatTimeouts);
      case 'poor_transitions':
        return inWindow(r.poorTransitions);
      case 'policy_closes':
        return inWindow(r.policyCloses);
      case 'history_resets':
        return inWindow(r.historyResets);
      case 'fallbacks':
        return inWindow(r.fallbacks);
      default:
        return this.summary(metric, window).count;
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
        const { all, matching } = countInWindow(r.episodes, r.episodeOutcomes, 'recovered', (at) =>
          r.windows.includes(window, at),
        );
        return all === 0 ? undefined : matching / all;
      }
      case 'connection_success_ratio': {
        const { all, matching } = countInWindow(r.attempts, r.attemptsOpened, true, (at) =>
          r.windows.includes(window, at),
        );
        return all === 0 ? undefined : matching / all;
      }
      default:
        return undefined;
    }
  }

  /** A gauge's value at the end of the run. */
  gauge(metric: ThresholdMetric, window: ThresholdWindow): number | undefined {
    const r = this.#recorder;
    if (metric === 'clients_failed') return r.failedClients;
    if (metric === 'clients_polling') return r.pollingClients;
    if (metric === 'instance_connections_peak') {
      const known = (r.instancePeaks ?? []).filter((n): n is number => n !== null);
      return known.length === 0 ? undefined : Math.max(...known);
    }
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

  /**
   * How many connections this machine opens in one scenario second, measured on the warm-up's
   * herd (every client connecting at once); undefined when the warm-up was too small or
   * instantaneous (a simulation) to tell.
   */
  acceptCapacityPerSecond(): number | undefined {
    const r = this.#recorder;
    const { opens, openSpanMs } = r.warmup;
    if (opens < MIN_WARMUP_HERD || openSpanMs <= 0) return undefined;
    return ((opens - 1) / openSpanMs) * 1000 * this.#timeScale;
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
        if (aggregation.kind === 'p') {
          const samples = this.#series(metric);
          if (samples === undefined) return undefined;
          const view = this.#view(window);
          return samples instanceof HistogramSeries
            ? samples.percentile(aggregation.percentile, view)
            : seriesPercentile(samples, aggregation.percentile, view);
        }
        const s = this.summary(metric, window);
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

/**
 * Of the events at `times` that `keep` takes, how many there are and how many have `value` in
 * the parallel list `values`.
 */
function countInWindow<T>(
  times: readonly number[],
  values: readonly T[],
  value: T,
  keep: (at: number) => boolean,
): { all: number; matching: number } {
  let all = 0;
  let matching = 0;
  for (let i = 0; i < times.length; i++) {
    if (!keep(times[i]!)) continue;
    all += 1;
    if (values[i] === value) matching += 1;
  }
  return { all, matching };
}
