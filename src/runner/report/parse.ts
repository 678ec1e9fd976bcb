import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { RunReport, Verdict } from './report.js';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'number|null' | 'verdict';

const VERDICTS: ReadonlySet<string> = new Set<Verdict>([
  'pass',
  'threshold_failed',
  'inconclusive',
  'steady_state_not_met',
  'error',
  'interrupted',
]);

const SUMMARIES = [
  'reconnect_duration_seconds',
  'detection_seconds',
  'pong_rtt_seconds',
  'alert_latency_seconds',
  'catch_up_seconds',
] as const;

/** What a renderer reads from a report, by path: enough to render it without guessing. */
const SHAPE: Array<[string, Kind]> = [
  ['scenario', 'object'],
  ['scenario.title', 'string'],
  ['scenario.file', 'string'],
  ['mode', 'string'],
  ['verdict', 'verdict'],
  ['durationSeconds', 'number'],
  ['clients', 'number'],
  ['metrics', 'object'],
  ['metrics.uptime_ratio', 'object'],
  ['metrics.reconnect_episodes', 'object'],
  ['metrics.disconnect_reasons', 'object'],
  ['metrics.backoff_schedule_seconds', 'array'],
  ...SUMMARIES.map((name): [string, Kind] => [`metrics.${name}`, 'object']),
  ...SUMMARIES.map((name): [string, Kind] => [`metrics.${name}.count`, 'number']),
  ['alerts', 'object'],
  ['server', 'object'],
  ['faults', 'array'],
  ['thresholds', 'array'],
  ['steadyState', 'object'],
  ['steadyState.before', 'array'],
  ['steadyState.after', 'array'],
];

const FAULT: Array<[string, Kind]> = [
  ['name', 'string'],
  ['start', 'number'],
  ['end', 'number|null'],
];
const THRESHOLD: Array<[string, Kind]> = [
  ['metric', 'string'],
  ['threshold', 'string'],
  ['window', 'string'],
  ['actual', 'number|null'],
  ['passed', 'boolean'],
  ['inconclusive', 'boolean'],
];
const PROBE: Array<[string, Kind]> = [
  ['name', 'string'],
  ['metric', 'string'],
  ['expected', 'string'],
  ['met', 'boolean'],
];
const TIMELINE: Array<[string, Kind]> = [
  ['stepSeconds', 'number'],
  ['connected', 'array'],
  ['reconnecting', 'array'],
  ['failed', 'array'],
];

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string`;
  return `a ${typeof value}`;
}

function matches(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'number|null':
      return value === null || typeof value === 'number';
    case 'verdict':
      return typeof value === 'string' && VERDICTS.has(value);
    default:
      return typeof value === kind;
  }
}

function lookUp(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The first field of `value` that does not fit `shape`, as `path: expected …, got …`. */
function misfit(value: unknown, shape: Array<[string, Kind]>, prefix: string): string | undefined {
  for (const [path, kind] of shape) {
    const field = lookUp(value, path);
    if (!matches(field, kind)) {
      const expected =
        kind === 'verdict' ? `one of ${[...VERDICTS].join(', ')}` : kind.replace('|', ' or ');
      const got =
        field === undefined
          ? 'nothing'
          : kind === 'verdict' && typeof field === 'string'
            ? JSON.stringify(field.slice(0, 40))
            : kindOf(field);
      return `${prefix}${path}: expected ${expected}, got ${got}`;
    }
  }
  return undefined;
}

function check(value: unknown): string | undefined {
  if (!matches(value, 'object')) return `expected a JSON object, got ${kindOf(value)}`;
  const top = misfit(value, SHAPE, '');
  if (top !== undefined) return top;
  const lists: Array<[string, Array<[string, Kind]>]> = [
    ['faults', FAULT],
    ['thresholds', THRESHOLD],
    ['steadyState.before', PROBE],
    ['steadyState.after', PROBE],
  ];
  for (const [name, shape] of lists) {
    for (const [i, item] of (lookUp(value, name) as unknown[]).entries()) {
      const problem = misfit(item, shape, `${name}[${i}].`);
      if (problem !== undefined) return problem;
    }
  }
  const timeline = (value as { timeline?: unknown }).timeline;
  if (timeline !== undefined) return misfit(timeline, TIMELINE, 'timeline.');
  return undefined;
}

/**
 * Reads the text of a JSON report (`--report`) for rendering again, checking the fields the
 * renderers read. Throws a {@link RunnerError} (`RUN_REPORT_INVALID`) whose one-line message
 * names `file` and the first field that does not fit.
 */
export function parseReport(text: string, file: string): RunReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RunnerError(
      RunnerErrorCode.REPORT_INVALID,
      `${file}: not JSON (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const problem = check(value);
  if (problem !== undefined) {
    throw new RunnerError(
      RunnerErrorCode.REPORT_INVALID,
      `${file}: not a stormwatch JSON report: ${problem}`,
    );
  }
  return value as RunReport;
}
