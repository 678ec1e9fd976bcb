import { ExternalServer, ChildProcessServer } from './child-server.js';
import { childForeignServer, ExternalForeignServer } from './foreign-server.js';
import { BIN } from './bin.js';
import { InProcessServer } from './in-process-server.js';
import { memoryRunBroker, redisRunBroker, type RunBroker } from './run-broker.js';
import type { RunRedis } from './run-redis.js';
import type { ServerTarget } from './server-target.js';
import { scaledServerTimings } from '../../server/index.js';
import type { Scenario } from '../scenario/types.js';

// What a real run starts for a scenario, and how many of each: the servers (in-process, a
// --server-cmd child, an external one, or a topology's `stormwatch serve` processes), the
// fleet's worker processes and the proxies' processes. RealHarness starts and drives them.

/** Sockets one process of a run holds at most: well under the 20,000 descriptors it may have. */
export const CLIENTS_PER_WORKER = 15_000;

/**
 * Worker processes for a scenario's fleet: none (the clients in the runner's process) while the
 * runner's own descriptors stay under {@link CLIENTS_PER_WORKER} — a client's socket, the
 * in-process server's end of it (one instance), and two for the proxy when it runs there —
 * else one per {@link CLIENTS_PER_WORKER} clients, and the runner holds no client at all.
 */
export function defaultWorkers(config: Pick<Scenario['config'], 'clients' | 'topology'>): number {
  const { clients, topology } = config;
  const proxyHere = clients * 2 <= PROXY_FDS_IN_RUNNER ? 2 : 0;
  const serverHere = topology.instances === 1 ? 1 : 0;
  if (clients * (1 + serverHere + proxyHere) <= CLIENTS_PER_WORKER) return 0;
  return Math.ceil(clients / CLIENTS_PER_WORKER);
}

/**
 * Descriptors the embedded proxy may use in the runner's process (two per proxied connection),
 * and a proxy process of its own: both well under the 20,000 a process may have.
 */
const PROXY_FDS_IN_RUNNER = 10_000;
const PROXY_FDS_PER_PROCESS = 12_000;

/**
 * Proxies in front of each instance: one in the runner's process for a fleet whose proxied
 * connections fit there; otherwise proxies in processes of their own (`separate`), enough
 * shards per instance that none holds more than {@link PROXY_FDS_PER_PROCESS} descriptors. A
 * real Toxiproxy (`--toxiproxy`) is one proxy per instance.
 */
export function proxyShards(
  scenario: Scenario,
  options: { toxiproxyUrl?: string | undefined },
): { shards: number; separate: boolean } {
  const { clients, topology } = scenario.config;
  if (options.toxiproxyUrl !== undefined || clients * 2 <= PROXY_FDS_IN_RUNNER) {
    return { shards: 1, separate: false };
  }
  const perInstance = Math.ceil(clients / topology.instances);
  return {
    shards: Math.max(1, Math.ceil((perInstance * 2) / PROXY_FDS_PER_PROCESS)),
    separate: true,
  };
}

/** A word for `sh -c`, quoted. */
const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The command of one instance process of a topology: `stormwatch serve` on the run's Redis, with
 * the scenario's server settings and timings scaled as the in-process server's are.
 */
export function instanceCommand(scenario: Scenario, redis: RunRedis): string {
  const c = scenario.config;
  const args = [
    'serve',
    '--broker',
    redis.url,
    '--key-prefix',
    redis.keyPrefix,
    '--time-scale',
    String(c.timeScale),
    '--ping-interval',
    String(Math.round(c.client.pingIntervalMs ?? 30_000)),
    '--pong-timeout',
    String(Math.round(c.client.pongTimeoutMs ?? 10_000)),
    '--connects-per-minute',
    String(c.server.connectsPerMinute ?? 10),
    '--history-size',
    String(c.server.historySize ?? 1000),
    ...(c.server.maxConnections === undefined
      ? []
      : ['--max-connections', String(c.server.maxConnections)]),
  ];
  return `exec ${[process.execPath, BIN, ...args].map(shellQuote).join(' ')}`;
}

/** `host:port` of instance `index` (1-based) when the first listens on `listen`. */
export function listenOf(listen: string | undefined, index: number): string | undefined {
  if (listen === undefined || index === 1) return listen;
  const colon = listen.lastIndexOf(':');
  const port = Number(listen.slice(colon + 1));
  return port === 0 ? listen : `${listen.slice(0, colon)}:${port + index - 1}`;
}

/** Server options of the in-process server for a scenario, timings scaled. */
function inProcessServer(scenario: Scenario, secret: string, storage: RunBroker): InProcessServer {
  const c = scenario.config;
  const timings = scaledServerTimings({
    timeScale: c.timeScale,
    pingIntervalMs: c.client.pingIntervalMs,
    pongTimeoutMs: c.client.pongTimeoutMs,
  });
  return new InProcessServer(
    secret,
    {
      logger: false,
      // The health view, opened through the proxy, signs in with a demo token: loopback only.
      demoToken: true,
      defaultMetrics: false,
      historySize: c.server.historySize ?? 1000,
      heartbeat: timings.heartbeat,
      shutdownGraceMs: timings.shutdownGraceMs,
      limits: {
        ...timings.limits,
        connectsPerMinute: c.server.connectsPerMinute ?? 10,
        ...(c.server.maxConnections === undefined
          ? {}
          : { maxConnections: c.server.maxConnections }),
      },
    },
    storage,
  );
}

/** The servers of a run: external, a --server-cmd child, in-process, or a topology's processes. */
export function serversOf(
  scenario: Scenario,
  options: { serverUrl?: string | undefined; serverCmd?: string | undefined },
  secret: string,
  redis: RunRedis | undefined,
): ServerTarget[] {
  const target = scenario.config.target;
  if (target !== undefined) {
    return [
      options.serverCmd === undefined
        ? new ExternalForeignServer(target, secret)
        : childForeignServer(target, options.serverCmd, secret),
    ];
  }
  if (options.serverUrl !== undefined) return [new ExternalServer(options.serverUrl, secret)];
  const env: Record<string, string> =
    redis === undefined
      ? {}
      : { STORMWATCH_BROKER: redis.url, STORMWATCH_KEY_PREFIX: redis.keyPrefix };
  if (options.serverCmd !== undefined) {
    return [new ChildProcessServer(options.serverCmd, secret, env)];
  }
  const historySize = scenario.config.server.historySize ?? 1000;
  if (scenario.config.topology.instances === 1) {
    const storage: RunBroker =
      redis === undefined
        ? memoryRunBroker(historySize)
        : redisRunBroker(redis.url, redis.keyPrefix, historySize);
    return [inProcessServer(scenario, secret, storage)];
  }
  const command = instanceCommand(scenario, redis!);
  return Array.from(
    { length: scenario.config.topology.instances },
    () => new ChildProcessServer(command, secret),
  );
}
