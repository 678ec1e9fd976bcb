import type { ScenarioOverrides } from '../runner/index.js';
import { quoteValue, readIntFlag, UsageError } from './args.js';
import type { ReportPaths } from './report-paths.js';

/** Flags `run` and `sim` share: overrides of the scenario's config, reports, output. */
export const SCENARIO_FLAGS = {
  'time-scale': { type: 'string' },
  clients: { type: 'string' },
  seed: { type: 'string' },
  report: { type: 'string' },
  junit: { type: 'string' },
  markdown: { type: 'string' },
  html: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The one scenario file a verb takes, or a usage error saying what arrived. */
export function scenarioFile(verb: string, positionals: readonly string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      `${verb}: expected one scenario file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  }
  return positionals[0]!;
}

function readScale(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || value < 0.001 || value > 100) {
    throw new UsageError(
      `--time-scale: expected a number within 0.001..100, got ${quoteValue(raw)}`,
    );
  }
  return value;
}

/** Reads `--time-scale`, `--clients` and `--seed` as scenario overrides. */
export function readOverrides(values: {
  'time-scale'?: string | undefined;
  clients?: string | undefined;
  seed?: string | undefined;
}): ScenarioOverrides {
  return {
    timeScale: readScale(values['time-scale']),
    clients:
      values.clients === undefined
        ? undefined
        : readIntFlag('clients', values.clients, 0, 1, 100_000),
    seed:
      values.seed === undefined ? undefined : readIntFlag('seed', values.seed, 0, 0, 2 ** 32 - 1),
  };
}

/** The report files `run` and `sim` were asked to write. */
export function reportPaths(values: {
  report?: string | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
  html?: string | undefined;
}): ReportPaths {
  return {
    report: values.report,
    junit: values.junit,
    markdown: values.markdown,
    html: values.html,
  };
}
