import { formatDuration } from './duration.js';
import { ExitCode } from './errors.js';
import { MethodRunner, sleep, waitForProbes } from './execute.js';
import type { Harness } from './harness/types.js';
import { DELIVERY_DEADLINE_MS, Measurements } from './measure/aggregate.js';
import { HostLagMonitor, type HostLag } from './measure/host-lag.js';
import { warmupConnectAt } from './measure/warmup-connect.js';
import type { FleetRecorder, FleetSnapshot } from './measure/recorder.js';
import { checkProbes } from './probes.js';
import { buildReport } from './report/build.js';
import type { ProbeResult, RunReport, Verdict } from './report/report.js';
import type { Probe, Scenario } from './scenario/types.js';
import { evaluateThresholds, type ThresholdResult } from './thresholds/evaluate.js';
import type { Aggregation, ThresholdMetric } from './thresholds/catalog.js';

/** What a running scenario reports as it goes. */
export interface Progress {
  /** Scenario seconds since the fleet started connecting. */
  elapsedSeconds: number;
  snapshot: FleetSnapshot;
  activeFaults: string[];
  published: number;
  phase: 'warmup' | 'method' | 'settle' | 'rollback';
}

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  mode: 'real' | 'sim';
  /** Called every `progressEveryMs` of clock time. */
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
  /**
   * Called with one line per notable event (fault on/off, restart, probe met) and the clock ms
   * since the fleet started connecting: the same origin as {@link Progress.elapsedSeconds}, so
   * the times of progress and event lines only ever grow.
   */
  onEvent?: (line: string, elapsedMs: number) => void;
  /** Aborts the method (Ctrl-C); rollbacks still run. */
  signal?: AbortSignal;
  /** Inconclusive thresholds fail the run (exit 99 rather than 97). */
  strict?: boolean;
}

/** The outcome: the report and the process exit code. */
export interface RunOutcome {
  report: RunReport;
  exitCode: number;
}

const EXIT: Record<Verdict, number> = {
  pass: ExitCode.PASS,
  threshold_failed: ExitCode.THRESHOLD_FAILED,
  inconclusive: ExitCode.INCONCLUSIVE,
  steady_state_not_met: ExitCode.STEADY_STATE_NOT_MET,
  error: ExitCode.HARNESS_ERROR,
  interrupted: ExitCode.INTERRUPTED,
};

/** When probes are absent: the whole fleet connected. */
function defaultProbes(scenario: Scenario): Probe[] {
  return [
    {
      name: 'all-connected',
      metric: 'alert_client_connected',
      tolerance: { op: '==', value: scenario.config.clients },
      line: 0,
    },
  ];
}

/** What the server process itself added: its loop's p99 and its longest restart, real ms. */
export interface ServerLag {
  loopP99Ms: number | undefined;
  restartMs: number | undefined;
}

/**
 * How much the host lag may have lengthened a measured duration of `metric`, in scenario
 * seconds: event-loop delays at the 99th percentile — of the worse of the runner's loop and a
 * separate server process's — once per pass through a loop the measurement makes, divided by
 * timeScale as every measured excess is; plus, for a duration that can span a connect, the
 * warm-up's connect time (`warmupConnectMs`, real ms) divided by timeScale; plus, when a child
 * server restarted, what dividing its real start time by timeScale added to the reconnects
 * that waited for it.
 *
 * A pong makes 3 passes (the client's timer sends, the server answers, the client handles the
 * answer). Everything else spans a connection's setup — token, TCP, upgrade and its token
 * check, open, hello, resume: 8 passes.
 */
export function lagUncertaintySeconds(
  host: HostLag,
  timeScale: number,
  server: ServerLag = { loopP99Ms: undefined, restartMs: undefined },
  metric: ThresholdMetric = 'pong_rtt_seconds',
  warmupConnectMs = 0,
): number {
  const loopMs = Math.max(host.loopP99Ms, server.loopP99Ms ?? 0);
  const restartMs = (server.restartMs ?? 0) * (1 / timeScale - 1);
  const passes = metric === 'pong_rtt_seconds' ? PONG_LOOP_PASSES : CONNECTION_LOOP_PASSES;
  const connectMs = SPANS_A_CONNECT.has(metric) ? warmupConnectMs : 0;
  return ((passes * loopMs + connectMs) / timeScale + Math.max(0, restartMs)) / 1000;
}

/**
 * Durations that can span a whole connect (a reconnect; an alert published while its client
 * was away): on a loaded machine a connect takes the time the warm-up's took, which timeScale
 * does not shrink. They get the warm-up's connect time at the threshold's percentile on top of
 * the loop lag (see {@link warmupConnectAt}).
 */
const SPANS_A_CONNECT: ReadonlySet<ThresholdMetric> = new Set([
  'reconnect_duration_seconds',
  'alert_latency_seconds',
]);

const PONG_LOOP_PASSES = 3;
const CONNECTION_LOOP_PASSES = 8;

function describeLag(
  host: HostLag,
  server: ServerLag,
  uncertaintySeconds: number,
  warmupConnectMs: readonly number[],
): string {
  const pressure =
    host.cpuPressure === null ? '' : `, CPU pressure ${(host.cpuPressure * 100).toFixed(0)} %`;
  const serverLoop =
    server.loopP99Ms === undefined
      ? ''
      : `, server event-loop p99 ${server.loopP99Ms.toFixed(1)} ms`;
  const restart =
    server.restartMs === undefined
      ? ''
      : `, a server restart of ${Math.round(server.restartMs)} ms`;
  const connect =
    warmupConnectMs.length === 0
      ? ''
      : `, warm-up connects p50 ${Math.round(warmupConnectAt(warmupConnectMs, { kind: 'med' }))} · max ${Math.round(warmupConnectAt(warmupConnectMs, { kind: 'max' }))} ms`;
  return `event-loop lag p99 ${host.loopP99Ms.toFixed(1)} ms${serverLoop}${pressure}${connect}${restart}: ±${Number(uncertaintySeconds.toFixed(3))} s of scenario time`;
}

/**
 * Runs a scenario on a harness: connect the fleet, check the steady state, start publishing,
 * run the method, settle, check the steady state again, roll back (always), and judge the
 * thresholds. Harness errors propagate after the rollbacks ran.
 */
export async function runScenario(
  scenario: Scenario,
  harness: Harness,
  recorder: FleetRecorder,
  options: RunScenarioOptions,
): Promise<RunOutcome> {
  const { clock } = harness;
  const scale = scenario.config.timeScale;
  const scaled = (ms: number) => ms * scale;
  // Every printed time counts from here, through warm-up, method, settle and rollbacks; the
  // recorder's own start moves to the method's start, so it cannot be the origin.
  const runStartAt = clock.now();
  const onEvent = options.onEvent;
  const log = (line: string): void => onEvent?.(line, clock.now() - runStartAt);
  const probes = scenario.probes.length > 0 ? scenario.probes : defaultProbes(scenario);
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(options.signal?.reason);
  // A signal aborted before the run starts stops it at once, as one aborted during it does.
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let phase: Progress['phase'] = 'warmup';
  let phaseBeforeRollback: Progress['phase'] = 'warmup';
  let verdict: Verdict = 'pass';
  let reason: string | undefined;
  let before: ProbeResult[] = [];
  let after: ProbeResult[] = [];
  const measurements = new Measurements(recorder, scale);
  // The machine's own distortion of a real run (none in simulation: its time is virtual).
  const lag = options.mode === 'real' ? new HostLagMonitor() : undefined;
  lag?.start();

  // Progress and abortOnFail thresholds, on the clock.
  const everyMs = options.progressEveryMs ?? 1000;
  const aborting = scenario.thresholds.filter((t) => t.abortOnFail);
  // Pongs a simulated harness plays lazily must be recorded before they are judged.
  const settles = aborting.some((t) => t.metric === 'pong_rtt_seconds');
  let ticker: ReturnType<typeof clock.setTimeout> | undefined;
  const tick = () => {
    options.onProgress?.({
      elapsedSeconds: (clock.now() - runStartAt) / 1000 / scale,
      snapshot: recorder.snapshot(),
      activeFaults: recorder.activeFaults(),
      published: recorder.publishedCount,
      phase,
    });
    if (phase === 'method' && aborting.length > 0) {
      if (settles) harness.settle?.();
      const failed = evaluateThresholds(aborting, measurements, 0, (metric) =>
        harness.notMeasured?.(metric),
      ).find((t) => !t.passed);
      if (failed !== undefined && !abort.signal.aborted) {
        verdict = 'threshold_failed';
        reason = `${failed.metric} ${failed.threshold} failed (actual ${failed.actual}) with abortOnFail`;
        log(`aborting: ${reason}`);
        abort.abort();
      }
    }
    ticker = clock.setTimeout(tick, everyMs);
  };
  let fatal: Error | undefined;
  harness.onFatal?.((error) => {
    if (fatal !== undefined) return;
    fatal = error;
    log(`aborting: ${error.message}`);
    abort.abort();
  });
  const method = new MethodRunner(scenario, harness, recorder, log, abort.signal);
  // The fleet over time for the report's charts, on the faults' origin (the method's start).
  // The first step keeps real runs at one sample per 50 ms or fewer.
  const timeline = recorder.createTimeline(2 ** Math.max(0, Math.ceil(Math.log2(0.05 / scale))));
  let sampler: ReturnType<typeof clock.setTimeout> | undefined;
  let timelineStartAt = 0;
  const sample = () => {
    timeline.sample(recorder.timelineSnapshot());
    const dueAt = timelineStartAt + scaled(timeline.nextAtSeconds * 1000);
    sampler = clock.setTimeout(sample, Math.max(0, dueAt - clock.now()));
  };

  let warmupRealMs: number | undefined;
  try {
    const connectAt = clock.now();
    harness.connectFleet();
    tick();
    // A large fleet's herd takes real time to connect on a small machine: 10 ms a client.
    const warmupMs = Math.max(scaled(30_000), 10_000, scenario.config.clients * 10);
    const ready = await waitForProbes(
      clock,
      probes,
      recorder,
      warmupMs,
      Math.max(10, scaled(100)),
      abort.signal,
    );
    before = checkProbes(probes, recorder);
    if (!ready) {
      verdict = abort.signal.aborted && verdict === 'pass' ? 'error' : 'steady_state_not_met';
      reason ??= abort.signal.aborted
        ? 'interrupted during warm-up'
        : `steady state not met before the method within ${formatDuration(warmupMs)}: ${before
            .filter((p) => !p.met)
            .map((p) => `${p.name} (${p.metric} = ${p.actual}, expected ${p.expected})`)
            .join('; ')}`;
    } else {
      warmupRealMs = clock.now() - connectAt;
      recorder.markStart(connectAt);
      timelineStartAt = clock.now();
      sample();
      log(`steady state met; method starts`);
      harness.startPublisher(scenario.config.alertsPerSecond / scale);
      phase = 'method';
      const outcome = await method.run(scenario.method);
      recorder.markMethodEnd();
      if (!outcome.ok && verdict === 'pass') {
        verdict = 'steady_state_not_met';
        reason = outcome.reason;
      }
      if (abort.signal.aborted && verdict === 'pass') {
        verdict = 'error';
        reason = 'interrupted';
      }
      if (!abort.signal.aborted) {
        phase = 'settle';
        log(`method done; settling for ${formatDuration(scenario.config.settleMs)}`);
        await sleep(clock, scaled(scenario.config.settleMs), abort.signal);
      }
      await harness.stopPublisher();
      // Let deliveries in flight land before judging loss.
      const drainDeadline = clock.now() + Math.max(scaled(DELIVERY_DEADLINE_MS), 1000);
      while (recorder.undelivered() > 0 && clock.now() < drainDeadline && !abort.signal.aborted) {
        await sleep(clock, Math.max(10, scaled(100)));
      }
      after = checkProbes(probes, recorder);
      if (verdict === 'pass' && after.some((p) => !p.met)) {
        verdict = 'steady_state_not_met';
        reason = `steady state not met after the method: ${after
          .filter((p) => !p.met)
          .map((p) => `${p.name} (${p.metric} = ${p.actual}, expected ${p.expected})`)
          .join('; ')}`;
      }
    }
  } catch (error) {
    verdict = 'error';
    reason = error instanceof Error ? error.message : String(error);
  } finally {
    phaseBeforeRollback = phase;
    phase = 'rollback';
    options.signal?.removeEventListener('abort', onOuterAbort);
    // Rollbacks always run: faults the method left, then the scenario's own.
    try {
      await method.endOpenFaults();
      const rollback = new MethodRunner(scenario, harness, recorder, log);
      await rollback.run(scenario.rollbacks.map(({ atMs: _at, ...step }) => step));
    } catch (error) {
      verdict = 'error';
      reason ??= `rollback failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (ticker !== undefined) clock.clearTimeout(ticker);
    if (sampler !== undefined) clock.clearTimeout(sampler);
    harness.settle?.();
    recorder.finish();
  }
  if (fatal !== undefined) {
    verdict = 'error';
    reason = fatal.message;
  }
  recorder.instancePeaks = await harness.instancePeaks?.();
  // Stopped from outside (Ctrl-C): what was measured so far is reported, nothing is judged. A
  // rollback that failed stays an error.
  const interrupted = options.signal?.aborted === true && !reason?.startsWith('rollback failed');
  if (interrupted) {
    verdict = 'interrupted';
    reason = `interrupted during the ${phaseBeforeRollback === 'warmup' ? 'warm-up' : phaseBeforeRollback}: figures up to then; thresholds not judged, alerts in flight pending`;
  }

  const host = lag?.stop();
  const serverLag: ServerLag = (host === undefined ? undefined : await harness.serverLag?.()) ?? {
    loopP99Ms: undefined,
    restartMs: undefined,
  };
  // The widest, for the report; each threshold gets its metric's own.
  const connects = recorder.warmup.connectMs;
  const uncertaintyOf = (metric: ThresholdMetric, aggregation: Aggregation): number =>
    host === undefined
      ? 0
      : lagUncertaintySeconds(
          host,
          scale,
          serverLag,
          metric,
          warmupConnectAt(connects, aggregation),
        );
  // The widest, for the report; each threshold gets its metric's own.
  const uncertaintySeconds = uncertaintyOf('reconnect_duration_seconds', {
    kind: 'p',
    percentile: 95,
  });
  const thresholds: ThresholdResult[] = evaluateThresholds(
    scenario.thresholds,
    measurements,
    uncertaintyOf,
    (metric) => harness.notMeasured?.(metric),
  );
  if (verdict === 'pass') {
    const failed = thresholds.filter((t) => !t.passed && !t.inconclusive);
    const unsure = thresholds.filter((t) => t.inconclusive);
    const actual = (t: ThresholdResult) =>
      t.actual === null ? 'no data' : Number(t.actual.toFixed(4));
    if (failed.length > 0) {
      verdict = 'threshold_failed';
      reason = `threshold${failed.length > 1 ? 's' : ''} failed: ${failed
        .map((t) => `${t.metric} ${t.threshold} (actual ${actual(t)})`)
        .join(', ')}`;
    } else if (unsure.length > 0) {
      verdict = options.strict === true ? 'threshold_failed' : 'inconclusive';
      const why = (t: ThresholdResult): string =>
        t.because ??
        `missed by less than the host lag could add (${host === undefined ? 'no lag measured' : describeLag(host, serverLag, t.uncertainty ?? 0, connects)})`;
      reason = `${options.strict === true ? 'inconclusive threshold failed (--strict)' : 'inconclusive'}: ${unsure
        .map((t) => `${t.metric} ${t.threshold} (actual ${actual(t)}): ${why(t)}`)
        .join('; ')}`;
    }
  }
  const report = buildReport({
    scenario,
    mode: options.mode,
    recorder,
    measurements,
    before,
    after,
    thresholds,
    verdict,
    reason,
    timeline: sampler === undefined ? undefined : timeline.toSeries(),
    serverCloses: await harness.serverCloses?.(),
    instancePeaks: recorder.instancePeaks,
    host:
      host === undefined
        ? undefined
        : {
            ...host,
            uncertaintySeconds,
            ownRttMs: harness.ownRttMs?.() ?? null,
            serverLoopP99Ms: serverLag.loopP99Ms ?? null,
            serverRestartMs: serverLag.restartMs ?? null,
            warmupSeconds: warmupRealMs === undefined ? null : Math.round(warmupRealMs) / 1000,
          },
  });
  return { report, exitCode: EXIT[verdict] };
}
