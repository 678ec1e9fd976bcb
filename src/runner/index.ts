/**
 * stormwatch/runner — chaos scenarios against the alert channel: load and validate scenario
 * files, run them on a harness (real sockets or simulation), judge k6-style thresholds and
 * write reports.
 */
export { loadScenario, parseScenario } from './scenario/load.js';
export type { ScenarioOverrides } from './scenario/validate.js';
export { applyTargetOptions, type TargetOptions } from './scenario/target-options.js';
export { describeTokenSource, runTokenCommand } from './harness/token-source.js';
export type * from './scenario/types.js';
export { parseDuration, formatDuration } from './duration.js';
export {
  ExitCode,
  RunnerError,
  RunnerErrorCode,
  ScenarioError,
  formatLocation,
  type RunnerErrorCodeValue,
  type ScenarioLocation,
} from './errors.js';
export {
  runScenario,
  type Progress,
  type RunOutcome,
  type RunScenarioOptions,
} from './run-scenario.js';
export { RealHarness, type RealHarnessOptions } from './harness/real-harness.js';
export { CLIENTS_PER_WORKER, defaultWorkers } from './harness/topology.js';
export type { Harness, FaultHandle } from './harness/types.js';
export { Publisher, type PublishFn, type PublisherOptions } from './harness/publisher.js';
export { reconnectStopped, scaledClientOptions, userOf } from './harness/fleet.js';
export {
  FleetRecorder,
  TREND_METRICS,
  type FleetSnapshot,
  type TimedValue,
  type TrendMetric,
} from './measure/recorder.js';
export { HISTOGRAM_ERROR_BOUND, HistogramSeries } from './measure/histogram-series.js';
export { SampleSeries } from './measure/series.js';
export { FleetTimeline, TIMELINE_MAX_POINTS } from './measure/timeline.js';
export { Measurements } from './measure/aggregate.js';
export { summarize, type Summary } from './measure/order-stats.js';
export { summarizeSeries, seriesPercentile, type SeriesView } from './measure/series-stats.js';
export { LiveMetrics } from './live-metrics.js';
export { LiveFeed, FEED_PATH, FEED_JSON_PATH, type LiveFeedSnapshot } from './live-feed.js';
export { THRESHOLD_METRICS, type ThresholdMetric } from './thresholds/catalog.js';
export { evaluateThresholds, type ThresholdResult } from './thresholds/evaluate.js';
export type {
  RunReport,
  ProbeResult,
  Verdict,
  ReportSummary,
  ReportTimeline,
} from './report/report.js';
export { renderSummary, renderMarkdown } from './report/summary.js';
export { renderJunit } from './report/junit.js';
export { renderHtml, type HtmlAssets } from './report/html.js';
export { loadHtmlAssets } from './report/html-assets.js';
export { parseReport } from './report/parse.js';
export { scaleAttributes, TOXIC_ATTRIBUTES } from './scenario/toxics.js';
export {
  scaleSimAttributes,
  SIM_FAULT_ATTRIBUTES,
  SIM_FAULT_MODELS,
  type SimAttributeSpec,
} from './scenario/sim-faults.js';
