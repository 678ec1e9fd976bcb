// `config:` of a scenario: fleet size, timings, client and server settings, topology, target.
import { type Path, type Reader } from './reader.js';
import { readTarget } from './validate-target.js';
import type {
  JitterMode,
  ScenarioClientConfig,
  ScenarioConfig,
  ScenarioTopology,
} from './types.js';

const JITTER: readonly JitterMode[] = ['none', 'full', 'equal', 'decorrelated'];
const BROKERS = ['memory', 'redis'] as const;

/** `config` with `clients` and `users` already read (they are the scenario's variables). */
export function readConfig(
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
