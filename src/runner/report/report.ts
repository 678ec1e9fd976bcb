import type { TimelineSeries } from '../measure/timeline.js';
import type { ThresholdResult } from '../thresholds/evaluate.js';

/**
 * Clients per state over the run, sampled every `stepSeconds` of scenario time from the
 * method's start (the origin of `faults`); absent from reports of older versions and of runs
 * that never reached the method.
 */
export type ReportTimeline = TimelineSeries;

/** A distribution in the report (null fields when there were no samples). */
export interface ReportSummary {
  count: number;
  avg: number | null;
  min: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Result of checking the steady-state probes at one point. */
export interface ProbeResult {
  name: string;
  metric: string;
  expected: string;
  actual: number;
  met: boolean;
}

/** The run's verdict. */
export type Verdict =
  | 'pass'
  | 'threshold_failed'
  | 'inconclusive'
  | 'steady_state_not_met'
  | 'error'
  /** Stopped before the end (SIGINT/SIGTERM): figures so far, thresholds shown but not judged. */
  | 'interrupted';

/** Everything a run reports; the JSON written by `--report`. Durations in scenario seconds. */
export interface RunReport {
  scenario: { title: string; file: string };
  /**
   * The foreign service under test (`config.target` or `--target`); absent against stormwatch's
   * own server.
   */
  target?: { url: string; profile: string; token: string; publish: string };
  mode: 'real' | 'sim';
  seed: number;
  timeScale: number;
  clients: number;
  users: number;
  /** Scenario seconds from the first connect to the end. */
  durationSeconds: number;
  verdict: Verdict;
  /** One line saying why, when the verdict is not pass. */
  reason: string | undefined;
  metrics: {
    uptime_ratio: { all: number | null; steady: number | null; fault: number | null };
    downtime_seconds: number;
    reconnect_duration_seconds: ReportSummary;
    reconnect_success_ratio: number | null;
    reconnect_episodes: { recovered: number; failed: number; unfinished: number };
    reconnect_attempts: number;
    failed_attempts: number;
    connection_success_ratio: number | null;
    /** Unplanned: every connected → not connected transition but 4401 and 1012. */
    disconnections: number;
    disconnections_per_hour: number;
    /** Token refreshes (4401) and announced restarts (1012). */
    planned_disconnections: number;
    disconnect_reasons: Record<string, number>;
    heartbeat_timeouts: number;
    poor_transitions: number;
    /** Backoff delays of the first client that had to reconnect, scenario seconds. */
    backoff_schedule_seconds: Array<{ attempt: number; delay: number }>;
    detection_seconds: ReportSummary;
    pong_rtt_seconds: ReportSummary;
    alert_latency_seconds: ReportSummary;
    /** Per recovered episode: reconnect → every alert published before it delivered. */
    catch_up_seconds: ReportSummary;
    /** Connections the server closed by policy (1008). */
    policy_closes: number;
    peak_reconnects_per_second: number;
    clients_failed: number;
    /** Connections that opened over long polling (WebSocket did not get through). */
    fallbacks: number;
    /** Clients still on long polling at the end. */
    clients_polling: number;
  };
  /**
   * How much the machine distorted a real run (null in simulation): the runner's event-loop
   * delay, the CPU pressure, and the uncertainty that puts on every duration, scenario s.
   */
  host: {
    loopP50Ms: number;
    loopP99Ms: number;
    loopMaxMs: number;
    cpuPressure: number | null;
    uncertaintySeconds: number;
    /** The loopback round trip to the server (median of the latest), real ms, not scaled. */
    ownRttMs: number | null;
    /** A child or external server's event-loop p99, real ms (null in-process: shared loop). */
    serverLoopP99Ms: number | null;
    /** The longest restart of a child server, spawn to ready, real ms; null without one. */
    serverRestartMs: number | null;
    /**
     * Real seconds from connecting the fleet to the steady state holding (every client
     * connected, for the usual probe): how long this machine took to bring the herd up.
     */
    warmupSeconds: number | null;
    /**
     * Connections this machine opened per scenario second in the warm-up's herd (every client
     * at once); null with fewer than 50 clients. A herd threshold above it is inconclusive.
     */
    opensPerScenarioSecond: number | null;
    /**
     * How long the warm-up's connections took to open, from the fleet's connect, real ms: what
     * a connect costs this machine in a herd the fleet's size. Durations that can span a
     * connect (reconnects, alert latency) are inconclusive within it. Null without a warm-up.
     */
    warmupConnectMs: { p50: number; p95: number; max: number } | null;
  } | null;
  /** What the server itself counted (real runs against a server exposing /metrics). */
  server: {
    /** Connections closed, by close code (1008: the flood guard); null when unknown. */
    closes: Record<string, number> | null;
    /** Server instances of the run (`config.topology.instances`). */
    instances: number;
    /** Where alerts lived: `memory` or `redis`. */
    broker: 'memory' | 'redis';
    /** Sockets each instance takes (`config.server.maxConnections`); null without a limit. */
    maxConnections: number | null;
    /**
     * The most sockets each instance held at once, by its own count (`/healthz`), in instance
     * order (null for one that cannot tell); null in simulation.
     */
    peakConnections: Array<number | null> | null;
  };
  alerts: {
    published: number;
    /** Deliveries expected: each published alert once per client of its user. */
    expected: number;
    delivered: number;
    lost: number;
    /**
     * Deliveries still outstanding when an interrupted run stopped: in flight, not judged lost
     * (0 in a run that reached its end, where they count as lost).
     */
    pending: number;
    duplicated: number;
    missed: number;
    /** Clients that saw the server's history reset (a new epoch after a restart). */
    historyResets: number;
    /** Deliveries of alerts published before the run (a long-lived server's history), unjudged. */
    foreign: number;
    /** Distinct epochs seen across those resets (0 when history never reset). */
    epochs: number;
  };
  faults: Array<{ name: string; start: number; end: number | null }>;
  timeline?: ReportTimeline;
  steadyState: { before: ProbeResult[]; after: ProbeResult[] };
  thresholds: ThresholdResult[];
  /** Sim only: timers fired on the virtual clock (no wall-clock figures: reports are reproducible). */
  simulation?: {
    events: number;
    /**
     * Threads the fleet was split over, by user, when more than one: the report is the same for
     * the same seed and shard count.
     */
    shards?: number;
    /**
     * How the trends' percentiles were taken when some were kept as streaming histograms: each
     * lies within `relative` of the exact nearest-rank value plus `absoluteSeconds`, either
     * way; counts, min, max and averages are exact. Absent when every trend was exact.
     */
    percentiles?: {
      method: 'hdr-histogram';
      trends: string[];
      significantDigits: number;
      relative: number;
      absoluteSeconds: number;
    };
  };
}
