import type { ReportTimeline, RunReport } from './report.js';

/** What the HTML report's chart script reads from the page (`#report-data`, JSON). */
export interface HtmlChartData {
  /** Scenario seconds from the method's start to the end of the run. */
  durationSeconds: number;
  faults: RunReport['faults'];
  /** Absent in reports written before timelines were recorded. */
  timeline?: ReportTimeline;
  backoff: RunReport['metrics']['backoff_schedule_seconds'];
}

/** The chart data of a report. */
export function buildChartData(report: RunReport): HtmlChartData {
  return {
    durationSeconds: report.durationSeconds,
    faults: report.faults,
    ...(report.timeline === undefined ? {} : { timeline: report.timeline }),
    backoff: report.metrics.backoff_schedule_seconds,
  };
}
