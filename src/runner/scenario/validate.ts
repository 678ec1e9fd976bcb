import {
  isThresholdMetric,
  allowedAggregations,
  THRESHOLD_METRICS,
} from '../thresholds/catalog.js';
import { aggregationName, parseThresholdExpression, type Operator } from '../thresholds/parse.js';
import { Reader, type Issue, type Path, quoteInput } from './reader.js';
import { readStep } from './validate-steps.js';
import { readConfig } from './validate-config.js';
import type {
  Probe,
  ProbeMetric,
  Scenario,
  ScenarioTopology,
  Step,
  Threshold,
  ThresholdWindow,
  Tolerance,
} from './types.js';

const PROBE_METRICS: readonly ProbeMetric[] = [
  'alert_client_connected',
  'alert_client_poor',
  'alert_client_polling',
  'alert_client_reconnecting',
  'alert_client_failed',
  'alert_client_disconnected',
  'alerts_lost',
];
const WINDOWS: readonly ThresholdWindow[] = ['steady', 'fault', 'all'];

/** Values the command line sets in place of the file's `config` (validated by the caller). */
export interface ScenarioOverrides {
  clients?: number | undefined;
  seed?: number | undefined;
  timeScale?: number | undefined;
}

/**
 * The file's config with the overrides in: `$clients` and `$users` then resolve to the
 * overridden values, and a file's users-per-client ratio is kept when clients change.
 */
function applyOverrides(
  config: Record<string, unknown>,
  overrides: ScenarioOverrides,
): Record<string, unknown> {
  const out = { ...config };
  if (overrides.clients !== undefined) {
    const fileClients = typeof config.clients === 'number' ? config.clients : 10;
    if (typeof config.users === 'number' && fileClients > 0) {
      out.users = Math.max(1, Math.round((config.users * overrides.clients) / fileClients));
    }
    out.clients = overrides.clients;
  }
  if (overrides.seed !== undefined) out.seed = overrides.seed;
  if (overrides.timeScale !== undefined) out.timeScale = overrides.timeScale;
  return out;
}

/** The outcome of validation: a scenario when there are no issues. */
export interface Validation {
  scenario: Scenario | undefined;
  issues: Issue[];
}

/** Validates parsed YAML as a scenario; `line(path)` maps an issue to its line. */
export function validateScenario(
  raw: unknown,
  file: string,
  line: (path: Path) => number,
  overrides: ScenarioOverrides = {},
): Validation {
  const pre = new Reader();
  const root = pre.mapping(raw, [], true);
  if (root === undefined) {
    return {
      scenario: undefined,
      issues: pre.issues.length > 0 ? pre.issues : [{ path: [], message: 'expected a mapping' }],
    };
  }
  // Variables come from config first so probes and counts can say $clients.
  const rawConfig = applyOverrides(pre.mapping(root.config, ['config']) ?? {}, overrides);
  const clients =
    pre.number(rawConfig.clients, ['config', 'clients'], {
      min: 1,
      max: 100_000,
      integer: true,
      fallback: 10,
    }) ?? 10;
  const users =
    pre.number(rawConfig.users, ['config', 'users'], {
      min: 1,
      max: clients,
      integer: true,
      fallback: clients,
    }) ?? clients;
  const r = new Reader({ clients, users });
  r.issues.push(...pre.issues);
  r.onlyKeys(
    root,
    [],
    [
      'version',
      'title',
      'description',
      'config',
      'steady_state',
      'probes',
      'method',
      'rollbacks',
      'thresholds',
    ],
  );
  if (root.version !== 1)
    r.issue(['version'], `expected 1, got ${quoteInput(root.version ?? null)}`);
  const title = r.string(root.title, ['title'], true);
  const description = r.string(root.description, ['description']);
  const config = readConfig(r, rawConfig, clients, users);

  const steady = r.mapping(root.steady_state, ['steady_state']);
  if (steady !== undefined) r.onlyKeys(steady, ['steady_state'], ['probes']);
  const probes = r
    .list(steady?.probes, ['steady_state', 'probes'])
    .map((p, i) => readProbe(r, p, ['steady_state', 'probes', i], line));
  const checks = r
    .list(root.probes, ['probes'])
    .map((p, i) => readProbe(r, p, ['probes', i], line));
  const probeNames = new Set([...probes, ...checks].map((p) => p?.name));
  if (probeNames.size < probes.length + checks.length) {
    r.issue(['probes'], 'probe names must be unique across steady_state.probes and probes');
  }

  const method = r
    .list(root.method, ['method'], true)
    .map((s, i) => readStep(r, s, ['method', i], line, probeNames));
  const rollbacks = r
    .list(root.rollbacks, ['rollbacks'])
    .map((s, i) => readStep(r, s, ['rollbacks', i], line, probeNames));
  if (method.length === 0 && r.issues.every((x) => x.path[0] !== 'method')) {
    r.issue(['method'], 'expected at least one step');
  }
  if (config.target !== undefined) {
    for (const [list, steps] of [
      ['method', method],
      ['rollbacks', rollbacks],
    ] as const) {
      steps.forEach((step, i) => {
        if (step?.action === 'token.expire') {
          r.issue(
            [list, i],
            "token.expire revokes tokens through stormwatch's server; a foreign target has no revocation",
          );
        }
      });
    }
  }
  checkStepsAgainstTopology(r, method, 'method', config.topology);
  checkStepsAgainstTopology(r, rollbacks, 'rollbacks', config.topology);
  const thresholds = readThresholds(r, root.thresholds, line);

  if (r.issues.length > 0) return { scenario: undefined, issues: r.issues };
  return {
    scenario: {
      file,
      title,
      description,
      config,
      probes: probes.filter((p): p is Probe => p !== undefined),
      checks: checks.filter((p): p is Probe => p !== undefined),
      method: method.filter((s): s is Step => s !== undefined),
      rollbacks: rollbacks.filter((s): s is Step => s !== undefined),
      thresholds,
    },
    issues: [],
  };
}

/** Steps that name an instance beyond the topology, or act on a Redis the run does not have. */
function checkStepsAgainstTopology(
  r: Reader,
  steps: Array<Step | undefined>,
  list: 'method' | 'rollbacks',
  topology: ScenarioTopology,
): void {
  steps.forEach((step, i) => {
    if (step === undefined) return;
    const instance =
      step.action === 'fault' || step.action === 'fault.down'
        ? step.target.kind === 'clients'
          ? step.target.instance
          : undefined
        : step.action.startsWith('server.')
          ? (step as { instance?: number }).instance
          : undefined;
    if (instance !== undefined && instance > topology.instances) {
      r.issue(
        [list, i, 'instance'],
        `expected 1..${topology.instances} (config.topology.instances), got ${instance}`,
      );
    }
    const onRedis =
      step.action.startsWith('redis.') ||
      ((step.action === 'fault' || step.action === 'fault.down') && step.target.kind === 'redis');
    if (onRedis && topology.broker !== 'redis') {
      r.issue(
        [list, i, step.action.startsWith('redis.') ? 'action' : 'target'],
        `acts on Redis, but the run has none: set config.topology.broker: redis`,
      );
    }
  });
}

function readTolerance(r: Reader, raw: unknown, path: Path): Tolerance | undefined {
  const t = r.mapping(raw, path, true);
  if (t === undefined) return undefined;
  const ops: Record<string, Operator> = {
    eq: '==',
    ne: '!=',
    lt: '<',
    lte: '<=',
    gt: '>',
    gte: '>=',
  };
  const keys = Object.keys(t);
  if (keys.length !== 1) {
    r.issue(path, `expected exactly one of ${[...Object.keys(ops), 'between'].join(', ')}`);
    return undefined;
  }
  const key = keys[0]!;
  if (key === 'between') {
    const range = r.list(t.between, [...path, 'between']);
    if (range.length !== 2) {
      r.issue([...path, 'between'], 'expected [min, max]');
      return undefined;
    }
    const min = r.number(range[0], [...path, 'between', 0]);
    const max = r.number(range[1], [...path, 'between', 1]);
    return min === undefined || max === undefined ? undefined : { op: 'between', min, max };
  }
  const op = ops[key];
  if (op === undefined) {
    r.issue(
      [...path, key],
      `unknown tolerance (expected one of ${[...Object.keys(ops), 'between'].join(', ')})`,
    );
    return undefined;
  }
  const value = r.number(t[key], [...path, key]);
  return value === undefined ? undefined : { op, value };
}

function readProbe(
  r: Reader,
  raw: unknown,
  path: Path,
  line: (p: Path) => number,
): Probe | undefined {
  const p = r.mapping(raw, path, true);
  if (p === undefined) return undefined;
  r.onlyKeys(p, path, ['name', 'metric', 'tolerance']);
  const name = r.string(p.name, [...path, 'name'], true);
  const metric = r.oneOf(p.metric, [...path, 'metric'], PROBE_METRICS, 'alert_client_connected');
  if (p.metric === undefined)
    r.issue([...path, 'metric'], `is required (one of ${PROBE_METRICS.join(', ')})`);
  const tolerance = readTolerance(r, p.tolerance, [...path, 'tolerance']);
  if (tolerance === undefined) return undefined;
  return { name, metric, tolerance, line: line(path) };
}

function readThresholds(r: Reader, raw: unknown, line: (p: Path) => number): Threshold[] {
  const map = r.mapping(raw, ['thresholds']);
  if (map === undefined) return [];
  const out: Threshold[] = [];
  for (const [metric, entries] of Object.entries(map)) {
    const mp = ['thresholds', metric];
    if (!isThresholdMetric(metric)) {
      r.issue(mp, `unknown metric (expected one of ${Object.keys(THRESHOLD_METRICS).join(', ')})`);
      continue;
    }
    r.list(entries, mp, true).forEach((entry, i) => {
      const ep = [...mp, i];
      let source: string | undefined;
      let window: ThresholdWindow = 'all';
      let abortOnFail = false;
      if (typeof entry === 'string') source = entry;
      else {
        const obj = r.mapping(entry, ep, true);
        if (obj === undefined) return;
        r.onlyKeys(obj, ep, ['threshold', 'window', 'abortOnFail']);
        source = r.string(obj.threshold, [...ep, 'threshold'], true);
        window = r.oneOf(obj.window, [...ep, 'window'], WINDOWS, 'all');
        abortOnFail = r.boolean(obj.abortOnFail, [...ep, 'abortOnFail'], false);
      }
      if (source === undefined || source === '') return;
      // `count==$clients` judges every client whatever --clients says.
      source = r.substitute(source, ep);
      const parsed = parseThresholdExpression(source);
      if (!parsed.ok) {
        r.issue(ep, parsed.message);
        return;
      }
      const allowed = allowedAggregations(metric);
      if (!allowed.includes(parsed.value.aggregation.kind)) {
        r.issue(
          ep,
          `${aggregationName(parsed.value.aggregation)} does not apply to ${metric} (a ${THRESHOLD_METRICS[metric].kind}; use ${allowed.map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')})`,
        );
        return;
      }
      out.push({ metric, ...parsed.value, window, abortOnFail, line: line(ep) });
    });
  }
  return out;
}
