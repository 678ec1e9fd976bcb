import type { Profile } from '../../client/index.js';
import type { Aggregation, ThresholdMetric } from '../thresholds/catalog.js';
import type { Operator } from '../thresholds/parse.js';

/** Backoff jitter modes of the client. */
export type JitterMode = 'none' | 'full' | 'equal' | 'decorrelated';

/** Client timings a scenario may set (milliseconds, before timeScale). */
export interface ScenarioClientConfig {
  jitter?: JitterMode;
  initialDelayMs?: number;
  maxDelayMs?: number;
  multiplier?: number;
  maxAttempts?: number;
  /** Retry budget in ms; default: the span of maxAttempts nominal delays. */
  giveUpAfterMs?: number;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  deadAfterMs?: number;
  minUptimeMs?: number;
  /**
   * Fall back to long polling when WebSocket does not get through (`client.fallback`): after
   * `after` failed upgrades in a row, probing WebSocket every `probeIntervalMs` to move back.
   */
  fallback?: { after: number; probeIntervalMs: number };
}

/** Server settings a scenario may set (milliseconds, before timeScale). */
export interface ScenarioServerConfig {
  connectsPerMinute?: number;
  historySize?: number;
  /**
   * Where alerts live: `memory` (default; the in-process server keeps it across restarts) or
   * `redis` (Streams in the Redis of `--redis`; a restart reconnects to it like a new process).
   */
  broker?: 'memory' | 'redis';
  /** Open sockets each instance takes; beyond, upgrades get 503 + Retry-After. Default: no limit. */
  maxConnections?: number;
}

/**
 * How many server instances a run starts and where they keep alerts (`config.topology`).
 * One instance runs in the runner's process; several run as `stormwatch serve` processes, each
 * behind a fault proxy of its own, every client given all of their addresses.
 */
export interface ScenarioTopology {
  /** Server instances. Default 1. */
  instances: number;
  /**
   * `memory` (one instance only) or `redis`: the run starts a `redis-server` of its own on a
   * free port (or uses `--redis URL`), and the servers reach it through a fault proxy.
   */
  broker: 'memory' | 'redis';
  /** The run's own Redis keeps an append-only file, so a Redis restart keeps history. Default false. */
  persist: boolean;
}

/** Where the fleet's tokens come from when the target is not stormwatch's own server. */
export type TokenSource =
  /** HS256 tokens signed with the run's secret (STORMWATCH_JWT_SECRET), as for stormwatch. */
  | { kind: 'hs256' }
  /** No token at all. */
  | { kind: 'none' }
  /** The value of an environment variable (the same token for every user). */
  | { kind: 'env'; name: string }
  /** The trimmed content of a file, read before every attempt. */
  | { kind: 'file'; path: string }
  /**
   * The trimmed standard output of a shell command run before every attempt, with the user in
   * `STORMWATCH_USER`.
   */
  | { kind: 'cmd'; command: string };

/** How the run publishes alerts to a foreign service. */
export type PublishTarget =
  /** Nothing is published: connection health only; delivery thresholds are not measured. */
  | { kind: 'none' }
  /** stormwatch's own `POST /api/alerts` (a stormwatch server). */
  | { kind: 'stormwatch' }
  /**
   * An HTTP request per alert. Strings anywhere in `url`, `headers` and `body` may hold
   * `{user}`, `{marker}` (unique per alert; the profile's alert id must carry it), `{severity}`,
   * `{title}`, `{detectedAt}`, `{publisherToken}` (HS256, role publisher) and `${ENV_NAME}`. A
   * `url` that is a path is resolved against the target's HTTP origin.
   */
  | {
      kind: 'http';
      method: string;
      url: string;
      headers: Readonly<Record<string, string>>;
      body: unknown;
    };

/** A service that is not stormwatch's own server (`config.target`, or `--target`). */
export interface ScenarioTarget {
  /**
   * The endpoint, `{user}` standing for the user id, e.g.
   * `ws://127.0.0.1:8000/ws/breach-alerts/{user}/`. With `--server-cmd`, host and port are the
   * child's (its `PORT`); write `{port}` or any port.
   */
  url: string;
  /** How the client speaks to it (a checked client profile). */
  profile: Profile;
  /** The profile's name as given (a preset, a file, or `inline`), for reports. */
  profileName: string;
  token: TokenSource;
  publish: PublishTarget;
  /**
   * A path polled (HTTP GET, any answer below 500) until the service is ready; default: a TCP
   * connect to its port.
   */
  readyPath: string | undefined;
}

/** `config:` of a scenario, with defaults applied. */
export interface ScenarioConfig {
  /** Client connections. Default 10. */
  clients: number;
  /** Distinct users; clients are spread over them (several tabs per user). Default = clients. */
  users: number;
  /** Seed of every random choice. Default 1. */
  seed: number;
  /** Multiplies every duration of the scenario and of the client and server timings. Default 1. */
  timeScale: number;
  /** Alerts published per second (real time before timeScale), to random users. Default 2. */
  alertsPerSecond: number;
  /** Lifetime of the tokens the fleet gets, ms. Default 1 h. */
  tokenTtlMs: number;
  /** Quiet time after the method before the final steady-state check, ms. Default 5 s. */
  settleMs: number;
  client: ScenarioClientConfig;
  server: ScenarioServerConfig;
  topology: ScenarioTopology;
  /** A foreign service under test; absent: stormwatch's own server. */
  target?: ScenarioTarget;
}

/** Fleet-level values a probe reads. */
export type ProbeMetric =
  | 'alert_client_connected'
  | 'alert_client_poor'
  | 'alert_client_polling'
  | 'alert_client_reconnecting'
  | 'alert_client_failed'
  | 'alert_client_disconnected'
  | 'alerts_lost';

/** A tolerance: `{eq: 50}`, `{gte: 0.9}`, `{between: [1, 5]}`; `$clients`/`$users` resolved. */
export type Tolerance =
  { op: Operator; value: number } | { op: 'between'; min: number; max: number };

/** A named check of the fleet's state. */
export interface Probe {
  name: string;
  metric: ProbeMetric;
  tolerance: Tolerance;
  line: number;
}

/** Toxics the proxy knows. */
export type ToxicType =
  | 'latency'
  | 'timeout'
  | 'reset_peer'
  | 'bandwidth'
  | 'slicer'
  | 'limit_data'
  | 'slow_close'
  | 'websocket_block';

/** Fields every method step may carry. */
interface StepBase {
  /** Line in the scenario file. */
  line: number;
  /** Offset from the start of the method, ms; absent: right after the previous step. */
  atMs?: number;
  /** Waits before and after the action, ms. */
  pauseBeforeMs?: number;
  pauseAfterMs?: number;
}

/**
 * Which link a fault acts on: the clients' links to every instance (default), to one instance
 * (1-based), or the servers' link to Redis.
 */
export type FaultTarget = { kind: 'clients'; instance?: number } | { kind: 'redis' };

/** `fault.<toxic>`: adds a toxic; removed after `durationMs` when given. */
export interface FaultStep extends StepBase {
  action: 'fault';
  target: FaultTarget;
  toxic: ToxicType;
  stream: 'upstream' | 'downstream' | 'both';
  toxicity: number;
  /** Attributes in Toxiproxy's units, before timeScale (time attributes are marked in scaled). */
  attributes: Record<string, number>;
  durationMs?: number;
}

/** `fault.down`: the proxy refuses and drops connections. */
export interface FaultDownStep extends StepBase {
  action: 'fault.down';
  target: FaultTarget;
  durationMs?: number;
}

/** `fault.reset`: removes every toxic and re-enables the proxy. */
export interface FaultResetStep extends StepBase {
  action: 'fault.reset';
}

/** Sim-only fault models (`stormwatch sim`; `stormwatch run` refuses them). */
export type SimFaultModel = 'drops' | 'latency' | 'outage';

/**
 * `sim.<model>`: a fault only the simulator can apply. `drops` resets random connections with a
 * mean time between failures per client (`mtbf`); `latency` adds a diurnal one-way latency
 * (`base` to `peak` and back over `period`); `outage` cuts a `fraction` of the clients' links.
 */
export interface SimFaultStep extends StepBase {
  action: 'sim';
  model: SimFaultModel;
  /** Durations in ms before timeScale (`fraction` is a ratio). */
  attributes: Record<string, number>;
  durationMs?: number;
}

/**
 * `server.restart|stop|start|kill`. `server.kill` is a hard stop (SIGKILL of an instance
 * process: no close frames); with `downtime` it starts again after it.
 */
export interface ServerStep extends StepBase {
  action: 'server.restart' | 'server.stop' | 'server.start' | 'server.kill';
  /** Close frames (1012) when true; sockets destroyed without a close frame when false. */
  graceful: boolean;
  /** server.restart (and server.kill when given): time the server stays down, ms. */
  downtimeMs: number;
  /** server.kill: start again after `downtimeMs`. */
  comesBack: boolean;
  /** The instance (1-based), or undefined for every instance. */
  instance: number | undefined;
}

/**
 * `redis.pause|kill|restart` on the run's own Redis: SIGSTOP for `durationMs` then SIGCONT;
 * SIGKILL (started again after `downtimeMs` when given); kill and start after `downtimeMs`.
 */
export interface RedisStep extends StepBase {
  action: 'redis.pause' | 'redis.kill' | 'redis.restart';
  /** redis.pause: how long, ms. */
  durationMs: number;
  /** redis.kill / redis.restart: time Redis stays down, ms (undefined: kill keeps it down). */
  downtimeMs: number | undefined;
}

/** `redis.start`: starts the run's own Redis again after a `redis.kill` without downtime. */
export interface RedisStartStep extends StepBase {
  action: 'redis.start';
}

/** `alerts.burst`: publishes `count` alerts as fast as the server takes them. */
export interface BurstStep extends StepBase {
  action: 'alerts.burst';
  count: number;
}

/** `token.expire`: every token issued so far is revoked (4401); clients must refresh. */
export interface TokenExpireStep extends StepBase {
  action: 'token.expire';
}

/** `clients.reconnect`: the app's manual reconnect on every failed or disconnected client. */
export interface ClientsReconnectStep extends StepBase {
  action: 'clients.reconnect';
}

/** `wait`: does nothing for `durationMs`. */
export interface WaitStep extends StepBase {
  action: 'wait';
  durationMs: number;
}

/** `wait_until`: waits until the probe holds, failing the run after `timeoutMs`. */
export interface WaitUntilStep extends StepBase {
  action: 'wait_until';
  probe: string;
  timeoutMs: number;
}

/** One step of `method:` or `rollbacks:`. */
export type Step =
  | FaultStep
  | SimFaultStep
  | FaultDownStep
  | FaultResetStep
  | ServerStep
  | RedisStep
  | RedisStartStep
  | BurstStep
  | TokenExpireStep
  | ClientsReconnectStep
  | WaitStep
  | WaitUntilStep;

/** Which part of the run a threshold looks at. */
export type ThresholdWindow = 'steady' | 'fault' | 'all';

/** One threshold expression on one metric. */
export interface Threshold {
  metric: ThresholdMetric;
  source: string;
  aggregation: Aggregation;
  operator: Operator;
  value: number;
  window: ThresholdWindow;
  abortOnFail: boolean;
  line: number;
}

/** A validated scenario. Durations are milliseconds before timeScale. */
export interface Scenario {
  file: string;
  title: string;
  description: string | undefined;
  config: ScenarioConfig;
  /** The steady-state hypothesis: checked before and after the method. */
  probes: Probe[];
  /** Further named probes that only `wait_until` uses (top-level `probes:`). */
  checks: Probe[];
  method: Step[];
  rollbacks: Step[];
  thresholds: Threshold[];
}
