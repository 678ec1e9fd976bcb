import {
  isThresholdMetric,
  allowedAggregations,
  THRESHOLD_METRICS,
} from '../thresholds/catalog.js';
import { aggregationName, parseThresholdExpression, type Operator } from '../thresholds/parse.js';
import { Reader, type Issue, type Path, quoteInput } from './reader.js';
import { readStep } from './validate-steps.js';
import { readTarget } from './validate-target.js';
import type {
  JitterMode,
  Probe,
  ProbeMetric,
  Scenario,
  ScenarioClientConfig,
  ScenarioConfig,
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
const JITTER: readonly JitterMode[] = ['none', 'full', 'equal', 'decorrelated'];
const BROKERS = ['memory', 'redis'] as const;
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

function readConfig(
  r: Reader,
  c: Record<string, unknown>,
  clients: number,
  users: number,
): ScenarioConfig {
  const path = ['config'];
  r.onlyKeys(c, path, [
    'clients',
    'users',
    'seed',
    'timeScale',
    'alertsPerSecond',
    'tokenTtl',
    'settle',
    'client',
    'server',
    'topology',
    'target',
  ]);
  const client = r.mapping(c.client, [...path, 'client']) ?? {};
  const cp = [...path, 'client'];
  r.onlyKeys(client, cp, [
    'jitter',
    'initialDelay',
    'maxDelay',
    'multiplier',
    'maxAttempts',
    'giveUpAfter',
    'pingInterval',
    'pongTimeout',
    'deadAfter',
    'minUptime',
    'fallback',
  ]);
  const clientConfig: ScenarioClientConfig = {};
  const set = <K extends keyof ScenarioClientConfig>(
    key: K,
    value: ScenarioClientConfig[K] | undefined,
  ) => {
    if (value !== undefined) clientConfig[key] = value;
  };
  if (client.jitter !== undefined)
    set('jitter', r.oneOf(client.jitter, [...cp, 'jitter'], JITTER, 'full'));
  set('initialDelayMs', r.duration(client.initialDelay, [...cp, 'initialDelay'], { min: 1 }));
  set('maxDelayMs', r.duration(client.maxDelay, [...cp, 'maxDelay'], { min: 1 }));
  set('multiplier', r.number(client.multiplier, [...cp, 'multiplier'], { min: 1, max: 10 }));
  set(
    'maxAttempts',
    r.number(client.maxAttempts, [...cp, 'maxAttempts'], { min: 1, max: 1000, integer: true }),
  );
  set('giveUpAfterMs', r.duration(client.giveUpAfter, [...cp, 'giveUpAfter'], { min: 0 }));
  set('pingIntervalMs', r.duration(client.pingInterval, [...cp, 'pingInterval'], { min: 1 }));
  set('pongTimeoutMs', r.duration(client.pongTimeout, [...cp, 'pongTimeout'], { min: 1 }));
  set('deadAfterMs', r.duration(client.deadAfter, [...cp, 'deadAfter'], { min: 1 }));
  set('minUptimeMs', r.duration(client.minUptime, [...cp, 'minUptime'], { min: 0 }));
  set('fallback', readFallback(r, client.fallback, [...cp, 'fallback']));

  const server = r.mapping(c.server, [...path, 'server']) ?? {};
  const sp = [...path, 'server'];
  r.onlyKeys(server, sp, ['connectsPerMinute', 'historySize', 'broker', 'maxConnections']);
  const serverConfig: ScenarioConfig['server'] = {};
  const cpm = r.number(server.connectsPerMinute, [...sp, 'connectsPerMinute'], {
    min: 1,
    integer: true,
  });
  if (cpm !== undefined) serverConfig.connectsPerMinute = cpm;
  const history = r.number(server.historySize, [...sp, 'historySize'], { min: 1, integer: true });
  if (history !== undefined) serverConfig.historySize = history;
  if (server.broker !== undefined) {
    serverConfig.broker = r.oneOf(server.broker, [...sp, 'broker'], BROKERS, 'memory');
  }
  const maxConnections = r.number(server.maxConnections, [...sp, 'maxConnections'], {
    min: 1,
    integer: true,
  });
  if (maxConnections !== undefined) serverConfig.maxConnections = maxConnections;
  const topology = readTopology(r, c.topology, [...path, 'topology'], serverConfig.broker);
  // One name for one thing: server.broker is the single-instance spelling of topology.broker.
  serverConfig.broker = topology.broker;
  const issuesBeforeTarget = r.issues.length;
  const target = readTarget(r, c.target, [...path, 'target']);
  if (target !== undefined) {
    // An invalid profile reads as stormwatch's: its own problem is the one to report.
    const profileInvalid = r.issues
      .slice(issuesBeforeTarget)
      .some((issue) => issue.path[2] === 'profile');
    if (target.profile.kind === 'stormwatch' && !profileInvalid) {
      r.issue(
        [...path, 'target', 'profile'],
        'expected a foreign profile (django-channels, json, ws-ping or a mapping); a stormwatch server is reached with --server-url or --server-cmd',
      );
    }
    if (topology.instances > 1) {
      r.issue([...path, 'topology', 'instances'], 'a foreign target is one service: drop topology');
    }
    if (clientConfig.fallback !== undefined) {
      r.issue(
        [...cp, 'fallback'],
        "long polling is stormwatch's own API: not with a foreign target",
      );
    }
  }

  return {
    clients,
    users,
    seed:
      r.number(c.seed, [...path, 'seed'], {
        min: 0,
        max: 2 ** 32 - 1,
        integer: true,
        fallback: 1,
      }) ?? 1,
    timeScale:
      r.number(c.timeScale, [...path, 'timeScale'], { min: 0.001, max: 100, fallback: 1 }) ?? 1,
    alertsPerSecond:
      r.number(c.alertsPerSecond, [...path, 'alertsPerSecond'], {
        min: 0,
        max: 10_000,
        fallback: 2,
      }) ?? 2,
    tokenTtlMs:
      r.duration(c.tokenTtl, [...path, 'tokenTtl'], { min: 1000, fallback: 3_600_000 }) ??
      3_600_000,
    settleMs: r.duration(c.settle, [...path, 'settle'], { min: 0, fallback: 5000 }) ?? 5000,
    client: clientConfig,
    server: serverConfig,
    topology,
    ...(target === undefined ? {} : { target }),
  };
}

/** `config.topology`; `serverBroker` is `config.server.broker` when given. */
function readTopology(
  r: Reader,
  raw: unknown,
  path: Path,
  serverBroker: 'memory' | 'redis' | undefined,
): ScenarioTopology {
  const t = r.mapping(raw, path) ?? {};
  r.onlyKeys(t, path, ['instances', 'broker', 'persist']);
  const instances =
    r.number(t.instances, [...path, 'instances'], {
      min: 1,
      max: 16,
      integer: true,
      fallback: 1,
    }) ?? 1;
  let broker: 'memory' | 'redis' = serverBroker ?? (instances > 1 ? 'redis' : 'memory');
  if (t.broker !== undefined) {
    broker = r.oneOf(t.broker, [...path, 'broker'], BROKERS, broker);
    if (serverBroker !== undefined && serverBroker !== broker) {
      r.issue(
        [...path, 'broker'],
        `says ${broker} but config.server.broker says ${serverBroker}: keep one of them`,
      );
    }
  }
  if (instances > 1 && broker === 'memory') {
    r.issue(
      [...path, 'broker'],
      `memory holds alerts in one process: ${instances} instances need broker: redis`,
    );
  }
  const persist = r.boolean(t.persist, [...path, 'persist'], false);
  if (persist && broker !== 'redis') r.issue([...path, 'persist'], 'only with broker: redis');
  return { instances, broker, persist };
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

/** `client.fallback`: true, false, or `{ after, probeInterval }`. */
function readFallback(
  r: Reader,
  value: unknown,
  path: Path,
): ScenarioClientConfig['fallback'] | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const defaults = { after: 2, probeIntervalMs: 15_000 };
  if (value === true) return defaults;
  const mapping = r.mapping(value, path);
  if (mapping === undefined) return undefined;
  r.onlyKeys(mapping, path, ['after', 'probeInterval']);
  return {
    after:
      r.number(mapping.after, [...path, 'after'], { min: 1, max: 100, integer: true }) ??
      defaults.after,
    probeIntervalMs:
      r.duration(mapping.probeInterval, [...path, 'probeInterval'], { min: 1 }) ??
      defaults.probeIntervalMs,
  };
}
