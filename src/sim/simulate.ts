import { STAGE_FACTORIES } from './toxics/index.js';
import { SimulatedClock } from '../client/index.js';
import {
  FleetRecorder,
  RunnerError,
  RunnerErrorCode,
  runScenario,
  type Progress,
  type RunOutcome,
  type Scenario,
  TREND_METRICS,
} from '../runner/index.js';
import { SimDriver } from './driver.js';
import { SimHarness } from './harness.js';
import { createShardMeeting } from './shard/meeting.js';
import { ShardRecorder } from './shard/recorder.js';
import type { ShardSync } from './shard/sync.js';

/**
 * Where the virtual clock starts: 2025-01-01T00:00:00Z, a fixed instant so timestamps in
 * alerts and pongs are the same on every run.
 */
export const SIM_START_MS = Date.UTC(2025, 0, 1);

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Called every `progressEveryMs` of virtual time. */
  onProgress?: ((progress: Progress) => void) | undefined;
  progressEveryMs?: number | undefined;
  /**
   * Called with one line per notable event and the virtual ms since the fleet started
   * connecting (the origin of the progress lines too), as `run` stamps its lines.
   */
  onEvent?: ((line: string, elapsedMs: number) => void) | undefined;
  /** Aborts the method (Ctrl-C); rollbacks still run. */
  signal?: AbortSignal | undefined;
  /** One-way latency of a bare link, ms. */
  baseLatencyMs?: number | undefined;
  /**
   * Play heartbeats on quiet links without frames (default true). The report is the same
   * either way; off runs every ping and pong frame through the client, link and server cores.
   */
  echoes?: boolean | undefined;
  /**
   * Keep every trend sample by sample for exact percentiles (default false: streaming
   * histograms, whose memory does not grow with the run; the report states their bound).
   */
  exactPercentiles?: boolean | undefined;
  /**
   * Runs one shard of a fleet split by user over threads (see `simulateInWorker`'s `shards`).
   * The run stops when the parent aborts through the shards' link; `signal` is not read.
   */
  shard?: ShardSync | undefined;
}

/** What a simulation produced. */
export interface Simulation extends RunOutcome {
  /** Timers fired on the virtual clock (also in `report.simulation.events`). */
  events: number;
  /** Virtual milliseconds simulated, from the first connect to the end of the rollbacks. */
  virtualMs: number;
  /** Connections the fleet opened. */
  connections: number;
  /**
   * Heartbeat round trips played without frames (`echoed`) and, of those, the ones handed back
   * with the ping still out because something touched the connection (`playedOut`).
   */
  echoes: { echoed: number; playedOut: number };
}

/**
 * Runs a scenario in deterministic simulation: the same `runScenario` as `stormwatch run`, on a
 * {@link SimHarness} and a virtual clock. The same scenario and seed give the same report, byte
 * for byte; nothing in it depends on the wall clock.
 */
export async function simulate(
  scenario: Scenario,
  options: SimulateOptions = {},
): Promise<Simulation> {
  refuseRunOnly(scenario);
  const clock = new SimulatedClock(SIM_START_MS);
  const driver = new SimDriver(clock);
  // Trends are kept as streaming histograms, so memory does not grow with the run's length;
  // sample by sample only for a threshold that judges a trend in the steady or fault window.
  const histograms = options.exactPercentiles
    ? []
    : TREND_METRICS.filter(
        (metric) => !scenario.thresholds.some((t) => t.metric === metric && t.window !== 'all'),
      );
  const shard = options.shard;
  // A shard stops where every shard learns of the abort: at a meeting, at one virtual time.
  const shardAbort = new AbortController();
  const meeting =
    shard === undefined ? undefined : createShardMeeting(shard, clock, () => shardAbort.abort());
  const recorder =
    meeting === undefined
      ? new FleetRecorder(clock, { histograms })
      : new ShardRecorder(clock, meeting, { histograms });
  const signal = shard === undefined ? options.signal : shardAbort.signal;
  const harness = new SimHarness(scenario, recorder, {
    clock,
    driver,
    baseLatencyMs: options.baseLatencyMs,
    echoes: options.echoes ?? true,
    shard: meeting,
  });
  const onEvent = options.onEvent;
  try {
    const outcome = await driver.run(() =>
      runScenario(scenario, harness, recorder, {
        mode: 'sim',
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.progressEveryMs === undefined
          ? {}
          : { progressEveryMs: options.progressEveryMs }),
        ...(onEvent === undefined ? {} : { onEvent }),
        ...(signal === undefined ? {} : { signal }),
      }),
    );
    // Pings out when the run ended: the full path had fired their timers.
    harness.handBackHeartbeats();
    const events = harness.events;
    const bound = recorder.histogramBound;
    outcome.report.simulation = {
      events,
      ...(shard === undefined || shard.count === 1 ? {} : { shards: shard.count }),
      ...(bound === undefined
        ? {}
        : {
            percentiles: {
              method: bound.method,
              trends: [...histograms],
              significantDigits: bound.significantDigits,
              relative: bound.relative,
              absoluteSeconds: bound.absoluteMs / 1000,
            },
          }),
    };
    return {
      ...outcome,
      events,
      virtualMs: recorder.endAt - SIM_START_MS,
      connections: harness.connectionsOpened,
      echoes: harness.echoes,
    };
  } finally {
    await driver.run(() => harness.close());
  }
}

/**
 * What the simulator does not model: several server instances and a Redis of the run's own
 * (their faults are processes and a store, not links). Such a scenario runs with `stormwatch run`.
 */
/**
 * Why the simulator cannot run `scenario` (several instances, Redis, the polling fallback, HTTP
 * toxics), as the message `simulate` refuses it with; undefined when it can.
 */
export function runOnlyReason(scenario: Scenario): string | undefined {
  const { instances } = scenario.config.topology;
  if (instances > 1) {
    return `${scenario.file}: config.topology.instances: ${instances} is run-only (the simulator models one server): use stormwatch run`;
  }
  const step = [...scenario.method, ...scenario.rollbacks].find(
    (s) =>
      s.action.startsWith('redis.') ||
      ((s.action === 'fault' || s.action === 'fault.down') && s.target.kind === 'redis'),
  );
  if (step !== undefined) {
    return `${scenario.file}:${step.line}: ${step.action === 'fault' ? `fault.${step.toxic}` : step.action} acts on Redis, which the simulator does not model: use stormwatch run`;
  }
  if (scenario.config.client.fallback !== undefined) {
    return `${scenario.file}: config.client.fallback is run-only (the simulated clients have no HTTP side to poll): use stormwatch run`;
  }
  const blocked = [...scenario.method, ...scenario.rollbacks].find(
    (s) => s.action === 'fault' && !(s.toxic in STAGE_FACTORIES),
  );
  if (blocked !== undefined && blocked.action === 'fault') {
    return `${scenario.file}:${blocked.line}: fault.${blocked.toxic} acts on HTTP requests and the polling fallback, which the simulator does not model: use stormwatch run`;
  }
  return undefined;
}

/**
 * Why `scenario` cannot run split over `shards` threads; undefined when it can. A threshold with
 * abortOnFail is judged while the run goes on, on figures only the whole fleet has.
 */
export function unshardableReason(scenario: Scenario, shards: number): string | undefined {
  if (shards === 1) return undefined;
  const aborting = scenario.thresholds.find((t) => t.abortOnFail);
  if (aborting !== undefined) {
    return `${scenario.file}: thresholds.${aborting.metric} has abortOnFail, which judges the whole fleet while the run goes on: simulate it with --shards 1`;
  }
  if (shards > scenario.config.users) {
    return `--shards ${shards}: more shards than the scenario's ${scenario.config.users} users (a shard holds whole users)`;
  }
  return undefined;
}

function refuseRunOnly(scenario: Scenario): void {
  const reason = runOnlyReason(scenario);
  if (reason !== undefined) throw new RunnerError(RunnerErrorCode.SCENARIO_INVALID, reason);
}
