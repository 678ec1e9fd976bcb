import type { Measurements } from '../measure/aggregate.js';
import type { Threshold, ThresholdWindow } from '../scenario/types.js';
import { THRESHOLD_METRICS } from './catalog.js';
import { compare } from './parse.js';

/** The verdict on one threshold. */
export interface ThresholdResult {
  metric: string;
  threshold: string;
  window: ThresholdWindow;
  /** The measured value; null when the metric had no data in the window. */
  actual: number | null;
  /** True when the threshold holds. */
  passed: boolean;
  /**
   * True when it failed as measured but by less than the host lag could have added: the
   * verdict is neither pass nor fail (exit 97 unless something failed for certain).
   */
  inconclusive: boolean;
  /**
   * How much the host lag may have lengthened `actual`, in the metric's unit (scenario
   * seconds); null for metrics the lag cannot distort (counts, ratios, gauges) or without lag.
   */
  uncertainty: number | null;
  /** `actual` − the threshold's value, in the metric's unit; null without data. */
  margin: number | null;
  /** Why the verdict is inconclusive, when the machine rather than a margin is the reason. */
  because?: string;
  /**
   * Why the run could not measure this metric at all (nothing published, a service that
   * reports no such thing): neither passed nor failed, and it does not change the verdict.
   */
  notMeasured?: string;
  abortOnFail: boolean;
  /** Line of the threshold in the scenario file. */
  line: number;
}

/**
 * Judges every threshold. A metric without data in its window passes (nothing violated it)
 * and is reported with `actual: null`, as k6 does for metrics that received no samples. A
 * metric `notMeasured` names a reason for is reported as not measured, not as passed.
 *
 * `uncertaintySeconds` is how much the machine's own lag may have lengthened a duration, in
 * scenario seconds (0: none, as in simulation), or that per metric and aggregation. Lag only
 * ever lengthens a duration, so the
 * true value lies in [actual − uncertainty, actual]: an upper bound (`<`, `<=`) that fails as
 * measured but holds at the low end is inconclusive; everything else is judged as measured
 * (a lower bound that holds as measured cannot be failed by lag; counts, ratios and gauges
 * are exact).
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  measurements: Measurements,
  uncertaintySeconds:
    number | ((metric: Threshold['metric'], aggregation: Threshold['aggregation']) => number) = 0,
  notMeasured: (metric: Threshold['metric']) => string | undefined = () => undefined,
): ThresholdResult[] {
  const uncertaintyOf =
    typeof uncertaintySeconds === 'number' ? () => uncertaintySeconds : uncertaintySeconds;
  return thresholds.map((t) => {
    const unmeasured = notMeasured(t.metric);
    if (unmeasured !== undefined) {
      return {
        metric: t.metric,
        threshold: t.source,
        window: t.window,
        actual: null,
        passed: true,
        inconclusive: false,
        uncertainty: null,
        margin: null,
        notMeasured: unmeasured,
        abortOnFail: t.abortOnFail,
        line: t.line,
      };
    }
    const actual = measurements.aggregate(t.metric, t.aggregation, t.window);
    const timed = THRESHOLD_METRICS[t.metric].kind === 'trend' && t.aggregation.kind !== 'count';
    const lag = timed ? uncertaintyOf(t.metric, t.aggregation) : 0;
    const uncertainty = lag > 0 ? lag : null;
    const passed = actual === undefined ? true : compare(actual, t.operator, t.value);
    const inconclusive =
      !passed &&
      actual !== undefined &&
      uncertainty !== null &&
      (t.operator === '<' || t.operator === '<=') &&
      compare(Math.max(0, actual - uncertainty), t.operator, t.value);
    // A herd peak is bounded by how fast this machine opens connections: when it cannot open
    // the threshold's number within one scenario second, the measured peak cannot tell a herd
    // from a trickle, whichever way the threshold points.
    const capacity =
      t.metric === 'peak_reconnects_per_second' && actual !== undefined
        ? measurements.acceptCapacityPerSecond()
        : undefined;
    if (capacity !== undefined && capacity < t.value) {
      return {
        metric: t.metric,
        threshold: t.source,
        window: t.window,
        actual: actual ?? null,
        passed: false,
        inconclusive: true,
        uncertainty: null,
        margin: actual === undefined ? null : actual - t.value,
        because: `this machine opens about ${Math.round(capacity)} connections per scenario second at this time scale (the warm-up's herd), fewer than ${t.value}`,
        abortOnFail: t.abortOnFail,
        line: t.line,
      };
    }
    return {
      metric: t.metric,
      threshold: t.source,
      window: t.window,
      actual: actual ?? null,
      passed,
      inconclusive,
      uncertainty,
      margin: actual === undefined ? null : actual - t.value,
      abortOnFail: t.abortOnFail,
      line: t.line,
    };
  });
}
