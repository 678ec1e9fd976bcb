import { createServer, type Server } from 'node:http';
import { createFleetMetrics, Registry, type FleetMetrics } from '../metrics/index.js';
import type { FleetRecorder } from './measure/recorder.js';
import { SampleSeries } from './measure/series.js';
import type { TrendSeries } from './measure/recorder.js';
import { readProbe, withinTolerance } from './probes.js';
import type { Scenario } from './scenario/types.js';
import { RunnerError, RunnerErrorCode } from './errors.js';

/**
 * The fleet's recording as live Prometheus metrics (`alert_client_*`, `chaos_*`). `update()`
 * moves new samples into the histograms and counters; durations are scenario seconds (measured
 * time divided by timeScale), as in the report.
 */
export class LiveMetrics {
  readonly registry = new Registry();
  readonly #m: FleetMetrics;
  readonly #recorder: FleetRecorder;
  readonly #scenario: Scenario;
  readonly #cursor = new Map<string, number>();
  #connectedS = 0;
  #disconnectedS = 0;
  #server: Server | undefined;

  constructor(recorder: FleetRecorder, scenario: Scenario, runId: string) {
    this.#recorder = recorder;
    this.#scenario = scenario;
    this.#m = createFleetMetrics(this.registry);
    this.#m.experimentInfo.set({ scenario: scenario.title, run_id: runId }, 1);
    // Counters with known label values start at 0, so the first loss after Prometheus's first
    // scrape shows as an increase instead of a series that appears already counted.
    for (const outcome of ['recovered', 'failed']) this.#m.reconnectEpisodes.inc({ outcome }, 0);
    for (const result of ['opened', 'failed']) this.#m.reconnectAttempts.inc({ result }, 0);
  }

  /** Moves what happened since the last call into the metrics. */
  update(): void {
    const r = this.#recorder;
    const m = this.#m;
    const scale = this.#scenario.config.timeScale;
    const s = r.snapshot();
    m.connected.set(s.byState.connected);
    for (const [state, count] of Object.entries(s.byState)) m.state.set({ state }, count);
    m.longestOutage.set(r.longestOutageMs() / 1000 / scale);
    m.alertsUndelivered.set(r.undelivered());
    m.quality.set({ quality: 'good' }, s.byState.connected - s.poor);
    m.quality.set({ quality: 'poor' }, s.poor);
    m.transport.set({ transport: 'websocket' }, s.byState.connected - s.polling);
    m.transport.set({ transport: 'polling' }, s.polling);
    const { connected, observed } = r.uptime();
    const connectedS = (connected.steady + connected.fault) / 1000 / scale;
    const disconnectedS = (observed.steady + observed.fault) / 1000 / scale - connectedS;
    if (connectedS > this.#connectedS) m.connectedSeconds.inc(connectedS - this.#connectedS);
    if (disconnectedS > this.#disconnectedS)
      m.disconnectedSeconds.inc(disconnectedS - this.#disconnectedS);
    this.#connectedS = Math.max(this.#connectedS, connectedS);
    this.#disconnectedS = Math.max(this.#disconnectedS, disconnectedS);

    this.#drainSeries('rtt', r.pongRtts, (ms) => m.pongRtt.observe(ms / 1000 / scale));
    this.#drainSeries('reconnect', r.reconnectDurations, (ms) =>
      m.reconnectDuration.observe(ms / 1000 / scale),
    );
    this.#drainSeries('latency', r.alertLatencies, (ms) =>
      m.alertLatency.observe(ms / 1000 / scale),
    );
    this.#drain('delivered', r.deliveries, () => m.alertsReceived.inc());
    this.#drain('duplicates', r.duplicates, () => m.alertsDuplicate.inc());
    this.#drain('missed', r.missed, (v) => m.alertsMissed.inc(v.value));
    this.#drain('attempts', r.attemptsOpened, (opened) =>
      m.reconnectAttempts.inc({ result: opened ? 'opened' : 'failed' }),
    );
    this.#drain('episodes', r.episodeOutcomes, (outcome) => {
      if (outcome !== 'unfinished') m.reconnectEpisodes.inc({ outcome });
    });
    // The reason name only: close codes would make the label set larger for no dashboard.
    this.#drain('disconnections', r.disconnectionCauses, ({ reason }) =>
      m.disconnections.inc({ reason }),
    );
    this.#drain('faults', r.faults, (f) => m.faultsInjected.inc({ fault: f.name }));
    const active = new Set(r.activeFaults());
    for (const fault of r.faults)
      m.faultActive.set({ fault: fault.name }, active.has(fault.name) ? 1 : 0);
    for (const probe of this.#scenario.probes) {
      m.steadyStateMet.set(
        { probe: probe.name },
        withinTolerance(readProbe(probe, r), probe.tolerance) ? 1 : 0,
      );
    }
  }

  #drainSeries(key: string, series: TrendSeries, apply: (value: number) => void): void {
    // A histogram-kept trend (a simulation's) holds no samples to feed one by one.
    if (!(series instanceof SampleSeries)) return;
    const from = this.#cursor.get(key) ?? 0;
    for (let i = from; i < series.length; i++) apply(series.valueAt(i));
    this.#cursor.set(key, series.length);
  }

  #drain<T>(key: string, list: readonly T[], apply: (item: T) => void): void {
    const from = this.#cursor.get(key) ?? 0;
    for (let i = from; i < list.length; i++) apply(list[i]!);
    this.#cursor.set(key, list.length);
  }

  /** Serves `/metrics` on 127.0.0.1:`port` (0: any free port); returns the port. */
  async serve(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics here\n');
        return;
      }
      this.update();
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new RunnerError(
            RunnerErrorCode.START_FAILED,
            `--metrics-port ${port}: ${error.code ?? error.message}`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
