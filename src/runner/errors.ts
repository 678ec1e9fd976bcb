/** Exit codes of `stormwatch run` and `sim` (as k6 for thresholds). */
export const ExitCode = {
  PASS: 0,
  HARNESS_ERROR: 1,
  /** A timing threshold failed by less than the host lag could have added; nothing else failed. */
  INCONCLUSIVE: 97,
  STEADY_STATE_NOT_MET: 98,
  THRESHOLD_FAILED: 99,
  /** Stopped by SIGINT/SIGTERM (128 + 2, as a shell reports Ctrl-C); rollbacks ran. */
  INTERRUPTED: 130,
} as const;

/** Stable codes of runner errors. */
export const RunnerErrorCode = {
  SCENARIO_INVALID: 'RUN_SCENARIO_INVALID',
  SCENARIO_UNREADABLE: 'RUN_SCENARIO_UNREADABLE',
  START_FAILED: 'RUN_START_FAILED',
  FAULT_FAILED: 'RUN_FAULT_FAILED',
  SERVER_FAILED: 'RUN_SERVER_FAILED',
  ABORTED: 'RUN_ABORTED',
  /** A JSON report to render is missing or unreadable. */
  REPORT_UNREADABLE: 'RUN_REPORT_UNREADABLE',
  /** A JSON report to render is not JSON, or not a stormwatch run report. */
  REPORT_INVALID: 'RUN_REPORT_INVALID',
  /** The HTML report's bundled chart script is missing (run `npm run build`). */
  REPORT_ASSETS_MISSING: 'RUN_REPORT_ASSETS_MISSING',
} as const;

/** One of {@link RunnerErrorCode}. */
export type RunnerErrorCodeValue = (typeof RunnerErrorCode)[keyof typeof RunnerErrorCode];

/** A harness error: printed as one line, exit code 1. */
export class RunnerError extends Error {
  readonly code: RunnerErrorCodeValue;
  constructor(code: RunnerErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerError';
    this.code = code;
  }
}

/** Where in a scenario file a problem is. */
export interface ScenarioLocation {
  file: string;
  line: number;
  column: number;
  /** Field path such as `method[2].latency`; empty for syntax errors. */
  field: string;
  message: string;
}

/** A scenario that cannot be run: every problem found, the first one as the message. */
export class ScenarioError extends RunnerError {
  readonly problems: ScenarioLocation[];
  constructor(problems: ScenarioLocation[]) {
    const first = problems[0];
    super(
      RunnerErrorCode.SCENARIO_INVALID,
      first === undefined
        ? 'invalid scenario'
        : `${formatLocation(first)}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    );
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/**
 * `file:line:column: field: message`. The field is cut to 100 characters and the message to 300:
 * both may carry the file's own text (a key, a YAML parser's quote), and a garbage file must not
 * come back as a line as long as itself.
 */
export function formatLocation(p: ScenarioLocation): string {
  const field = clip(p.field, 100);
  return `${p.file}:${p.line}:${p.column}: ${field === '' ? '' : `${field}: `}${clip(p.message, 300)}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
