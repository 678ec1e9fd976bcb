import { describeTokenSource } from '../harness/token-source.js';
import type { Measurements } from '../measure/aggregate.js';
import type { Summary } from '../measure/order-stats.js';
import type { FleetRecorder } from '../measure/recorder.js';
import { warmupConnectAt } from '../measure/warmup-connect.js';
import type { Scenario } from '../scenario/types.js';
import type { ThresholdResult } from '../thresholds/evaluate.js';
import type { HostLag } from '../measure/host-lag.js';
import type { ProbeResult, ReportSummary, ReportTimeline, RunReport, Verdict } from './report.js';

/** Inputs of {@link buildReport}. */
export interface ReportInput {
  scenario: Scenario;
  mode: 'real' | 'sim';
  recorder: FleetRecorder;
  measurements: Measurements;
  before: ProbeResult[];
  after: ProbeResult[];
  thresholds: ThresholdResult[];
  verdict: Verdict;
  reason: string | undefined;
  /** Clients per state over the run; undefined when the method never started. */
  timeline?: ReportTimeline | undefined;
  /** Closes the server counted, by code, when it can tell. */
  serverCloses?: Record<string, number> | undefined;
  /** The most sockets each instance held at once, when the servers can tell. */
  instancePeaks?: Array<number | null> | undefined;
  /** The host lag of a real run and the uncertainty it puts on durations. */
  host?:
    | (HostLag & {
        uncertaintySeconds: number;
        ownRttMs: number | null;
        serverLoopP99Ms: number | null;
        serverRestartMs: number | null;
        warmupSeconds: number | null;
      })
    | undefined;
}

const round = (value: number | undefined | null, digits = 6): number | null =>
  value === undefined || value === null || !Number.isFinite(value)
    ? null
    : Number(value.toFixed(digits));

/** Assembles the run report; durations in scenario seconds, ratios in [0, 1]. */
export function buildReport(input: ReportInput): RunReport {
  const { scenario, recorder: r, measurements: m } = input;
  const scale = scenario.config.timeScale;
  const toSeconds = (ms: number) => ms / 1000 / scale;
  const durationSeconds = toSeconds(r.endAt - r.startAt);
  const { connected, observed } = r.uptime();
  const interrupted = input.verdict === 'interrupted';
  const episodes = { recovered: 0, failed: 0, unfinished: 0 };
  for (const outcome of r.episodeOutcomes) episodes[outcome] += 1;
  // Trends are summarized where they are recorded (a day of pongs is hundreds of megabytes).
  const roundSummary = (s: Summary): ReportSummary => {
    return {
      count: s.count,
      avg: round(s.avg),
      min: round(s.min),
      p50: round(s.p50),
      p95: round(s.p95),
      p99: round(s.p99),
      max: round(s.max),
    };
  };
  const target = scenario.config.target;
  const disconnections = m.count('disconnections', 'all');
  const reasons = new Map<string, number>();
  for (const { reason, closeCode } of r.disconnectionCauses) {
    const key = closeCode === undefined ? reason : `${reason}:${closeCode}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  return {
    scenario: { title: scenario.title, file: scenario.file },
    ...(target === undefined
      ? {}
      : {
          target: {
            url: target.url,
            profile: target.profileName,
            token: describeTokenSource(target.token),
            publish:
              target.publish.kind === 'http'
                ? `${target.publish.method} ${target.publish.url}`
                : target.publish.kind,
          },
        }),
    mode: input.mode,
    seed: scenario.config.seed,
    timeScale: scale,
    clients: scenario.config.clients,
    users: scenario.config.users,
    durationSeconds: round(durationSeconds, 3) ?? 0,
    verdict: input.verdict,
    reason: input.reason,
    metrics: {
      uptime_ratio: {
        all: round(m.ratio('uptime_ratio', 'all')),
        steady: round(m.ratio('uptime_ratio', 'steady')),
        fault: round(m.ratio('uptime_ratio', 'fault')),
      },
      downtime_seconds:
        round(
          toSeconds(observed.steady + observed.fault - connected.steady - connected.fault),
          3,
        ) ?? 0,
      reconnect_duration_seconds: roundSummary(m.summary('reconnect_duration_seconds', 'all')),
      // Cut short, an episode still under way is neither a success nor a failure.
      reconnect_success_ratio: interrupted
        ? episodes.recovered + episodes.failed === 0
          ? null
          : round(episodes.recovered / (episodes.recovered + episodes.failed))
        : round(m.ratio('reconnect_success_ratio', 'all')),
      reconnect_episodes: episodes,
      reconnect_attempts: m.count('reconnect_attempts', 'all'),
      failed_attempts: m.count('failed_attempts', 'all'),
      connection_success_ratio: round(m.ratio('connection_success_ratio', 'all')),
      disconnections,
      planned_disconnections: m.count('planned_disconnections', 'all'),
      disconnections_per_hour:
        round(durationSeconds > 0 ? (disconnections / durationSeconds) * 3600 : 0, 3) ?? 0,
      disconnect_reasons: Object.fromEntries(
        [...reasons.entries()].sort(([a], [b]) => a.localeCompare(b)),
      ),
      heartbeat_timeouts: m.count('heartbeat_timeouts', 'all'),
      poor_transitions: m.count('poor_transitions', 'all'),
      backoff_schedule_seconds: r.backoffSchedule.map((b) => ({
        attempt: b.attempt,
        delay: round(toSeconds(b.delayMs), 3) ?? 0,
      })),
      detection_seconds: roundSummary(m.summary('detection_seconds', 'all')),
      pong_rtt_seconds: roundSummary(m.summary('pong_rtt_seconds', 'all')),
      alert_latency_seconds: roundSummary(m.summary('alert_latency_seconds', 'all')),
      catch_up_seconds: roundSummary(m.summary('catch_up_seconds', 'all')),
      policy_closes: m.count('policy_closes', 'all'),
      peak_reconnects_per_second: m.gauge('peak_reconnects_per_second', 'all') ?? 0,
      clients_failed: r.failedClients,
      fallbacks: m.count('fallbacks', 'all'),
      clients_polling: r.pollingClients,
    },
    server: {
      closes: input.serverCloses ?? null,
      instances: input.scenario.config.topology.instances,
      broker: input.scenario.config.topology.broker,
      maxConnections: input.scenario.config.server.maxConnections ?? null,
      peakConnections: input.instancePeaks ?? null,
    },
    host:
      input.host === undefined
        ? null
        : {
            loopP50Ms: round(input.host.loopP50Ms, 3) ?? 0,
            loopP99Ms: round(input.host.loopP99Ms, 3) ?? 0,
            loopMaxMs: round(input.host.loopMaxMs, 3) ?? 0,
            cpuPressure: round(input.host.cpuPressure, 4),
            uncertaintySeconds: round(input.host.uncertaintySeconds, 4) ?? 0,
            ownRttMs: round(input.host.ownRttMs, 3),
            serverLoopP99Ms: round(input.host.serverLoopP99Ms, 3),
            serverRestartMs: round(input.host.serverRestartMs, 1),
            warmupSeconds: input.host.warmupSeconds,
            opensPerScenarioSecond: round(m.acceptCapacityPerSecond(), 1),
            warmupConnectMs:
              r.warmup.connectMs.length === 0
                ? null
                : {
                    p50: round(warmupConnectAt(r.warmup.connectMs, { kind: 'med' }), 1) ?? 0,
                    p95:
                      round(
                        warmupConnectAt(r.warmup.connectMs, { kind: 'p', percentile: 95 }),
                        1,
                      ) ?? 0,
                    max: round(warmupConnectAt(r.warmup.connectMs, { kind: 'max' }), 1) ?? 0,
                  },
          },
    alerts: {
      published: r.publishedCount,
      expected: r.expectedDeliveries,
      delivered: r.deliveredCount,
      // An interrupted run stopped before its drain: what is undelivered was in flight.
      lost: interrupted ? 0 : r.undelivered(),
      pending: interrupted ? r.undelivered() : 0,
      duplicated: r.duplicates.length,
      missed: m.count('alerts_missed', 'all'),
      historyResets: r.historyResets.length,
      foreign: r.foreignDeliveries,
      epochs: r.epochs.size,
    },
    faults: r.faults.map((f) => ({
      name: f.name,
      start: round(toSeconds(f.startAt - r.startAt), 3) ?? 0,
      end: f.endAt === undefined ? null : round(toSeconds(f.endAt - r.startAt), 3),
    })),
    ...(input.timeline === undefined ? {} : { timeline: input.timeline }),
    steadyState: { before: input.before, after: input.after },
    thresholds: input.thresholds,
  };
}
