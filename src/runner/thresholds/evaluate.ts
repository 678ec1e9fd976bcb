import type { Measurements } from '../measure/aggregate.js';
import type { Threshold, ThresholdWindow } from '../scenario/types.js';
import { compare } from './parse.js';

/** The verdict on one threshold. */
export interface ThresholdResult {
  metric: string;
  threshold: string;
  window: ThresholdWindow;
  /** The measured value; null when the metric had no data in the window. */
  actual: number | null;
  passed: boolean;
  abortOnFail: boolean;
  /** Line of the threshold in the scenario file. */
  line: number;
}

/**
 * Judges every threshold. A metric without data in its window passes (nothing violated it)
 * and is reported with `actual: null`, as k6 does for metrics that received no samples.
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  measurements: Measurements,
): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = measurements.aggregate(t.metric, t.aggregation, t.window);
    return {
      metric: t.metric,
      threshold: t.source,
      window: t.window,
      actual: actual ?? null,
      passed: actual === undefined ? true : compare(actual, t.operator, t.value),
      abortOnFail: t.abortOnFail,
      line: t.line,
    };
  });
}
