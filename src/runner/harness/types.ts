import type { ThresholdMetric } from '../thresholds/catalog.js';
import type { Clock } from '../../protocol/index.js';
import type { FaultStep, FaultTarget, SimFaultStep } from '../scenario/types.js';

/** What a `redis.*` step does to the run's own Redis. */
export type RedisAction = 'pause' | 'resume' | 'kill' | 'start';

/** Ends a fault; resolves once the proxy no longer applies it. */
export type FaultHandle = () => Promise<void>;

/**
 * What a scenario acts on. The real harness drives sockets, an alert server and a fault proxy;
 * the simulator provides the same operations on virtual links. Durations are already scaled.
 */
export interface Harness {
  readonly clock: Clock;
  /** Adds a toxic (or two for `stream: both`); the handle removes it. */
  applyFault(step: FaultStep, attributes: Record<string, number>): Promise<FaultHandle>;
  /**
   * Applies a sim-only fault model (attributes scaled); the handle removes it. Only the
   * simulator has it: without it, `sim.*` actions fail with a clear error.
   */
  applySimFault?(step: SimFaultStep, attributes: Record<string, number>): Promise<FaultHandle>;
  /** Disables the target's proxies: they refuse new connections and drop live ones. */
  proxyDown(target: FaultTarget): Promise<FaultHandle>;
  /** Removes every toxic and re-enables the proxy. */
  resetFaults(): Promise<void>;
  /**
   * Stops the server — one instance (1-based) or, undefined, every one: close frames (1012)
   * when graceful, sockets destroyed otherwise (an instance process is SIGKILLed).
   */
  stopServer(graceful: boolean, instance?: number): Promise<void>;
  /** Starts the server (one instance, or every stopped one) again on the same address. */
  startServer(instance?: number): Promise<void>;
  /**
   * Optional (real runs with a Redis of their own): pauses (SIGSTOP), resumes (SIGCONT), kills
   * (SIGKILL) or starts the run's Redis. Without it, `redis.*` steps fail with a clear error.
   */
  readonly redis?: ((action: RedisAction) => Promise<void>) | undefined;
  /**
   * Optional: why the run cannot measure `metric` (e.g. nothing is published to a foreign
   * service); undefined when it can.
   */
  notMeasured?(metric: ThresholdMetric): string | undefined;
  /**
   * Optional: `listener` hears of a problem that makes the run meaningless (a client profile
   * that does not match what the service sends); the run stops with verdict `error`.
   */
  onFatal?(listener: (error: Error) => void): void;
  /** Starts publishing `ratePerSecond` alerts a second to random users. */
  startPublisher(ratePerSecond: number): void;
  /** Stops publishing; resolves once in-flight publishes are settled. */
  stopPublisher(): Promise<void>;
  /** Publishes `count` alerts as fast as the server takes them. */
  burst(count: number): Promise<void>;
  /**
   * Revokes every token issued until now (the server closes their sockets with 4401 and
   * refuses them with 401); clients must fetch new ones.
   */
  revokeTokens(): Promise<void>;
  /** Calls `reconnect()` on every client that is failed or disconnected; returns how many. */
  reconnectStopped(): number;
  /** Connects every client of the fleet. */
  connectFleet(): void;
  /**
   * Optional (the simulator, which plays quiet heartbeats lazily): brings every client's
   * recorded pongs up to now. Called before anything reads the recording's measurements.
   */
  settle?(): void;
  /**
   * Optional (real runs): the machine's own loopback round trip now, ms, which timeScale does
   * not shrink; pong round trips are recorded with it kept out of the scaling.
   */
  ownRttMs?(): number;
  /**
   * Optional (real runs): how the other processes' machine time distorted the run — the worst
   * event-loop p99 of the server processes (a child's or external server's, from its /metrics)
   * and of the fleet's worker processes (undefined when everything ran in the runner, whose own
   * measure covers it) — and the longest real time a restart of a child server took (undefined
   * without one).
   */
  serverLag?(): Promise<{ loopP99Ms: number | undefined; restartMs: number | undefined }>;
  /**
   * Optional: connections the server closed, by close code (`alert_server_ws_closes_total`),
   * summed over every start of it so far; undefined when the server cannot tell.
   */
  serverCloses?(): Promise<Record<string, number> | undefined>;
  /**
   * Optional (real runs): the most sockets each server instance held at once, from its own
   * count (`/healthz`), in instance order; null for an instance that cannot tell.
   */
  instancePeaks?(): Promise<Array<number | null>>;
  /** Releases everything: fleet, publisher, server, proxy. */
  close(): Promise<void>;
}
