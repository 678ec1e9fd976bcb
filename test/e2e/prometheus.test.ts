import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parse, stringify } from 'yaml';
import { MetricName } from '../../src/metrics/names.js';
import {
  DASHBOARD_FILES,
  PROM_DIR,
  ROOT,
  panelQueries,
  readDashboard,
  runTool,
  substitute,
  type PanelQuery,
} from '../dashboards/helpers.js';

/**
 * A real Prometheus (the Debian binary) scrapes a real alert server and a scenario run, with
 * the committed prometheus.yml's jobs and rules; then every dashboard query, with Grafana's
 * variables substituted, is evaluated through Prometheus's HTTP API and checked for shape.
 */

const SECRET = 'prometheus-e2e-secret-long-enough-for-hs256';
const CLIENTS = 8;
/** A short story: steady, a burst of connection resets, recovery, steady again (≈ 20 s). */
const SCENARIO = `version: 1
title: Prometheus e2e — resets and recovery
config:
  clients: ${CLIENTS}
  seed: 7
  timeScale: 0.25
  alertsPerSecond: 4
  client: { pingInterval: 2s }
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  # Late enough that Prometheus has scraped the counters at 0 before anything happens.
  - { at: 40s, action: fault.reset_peer, timeout: 0, stream: downstream, duration: 4s }
  - { action: wait_until, probe: all-connected, timeout: 60s }
  - { action: wait, duration: 48s }
rollbacks:
  - { action: fault.reset }
`;

interface Proc {
  child: ChildProcess;
  output: string;
  exited: Promise<number | null>;
}

function start(command: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = {
    child,
    output: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.on('error', (error) => (proc.output += `\n${String(error)}`));
  child.stdout?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  return proc;
}

/** Waits for `pattern` in the process's output; fails with the output if it exits first. */
async function waitFor(proc: Proc, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = proc.output.match(pattern);
    if (match !== null) return match;
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(
        `expected ${String(pattern)} from ${proc.child.spawnargs.join(' ')}:\n${proc.output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stop(proc: Proc | undefined): Promise<void> {
  if (proc === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5_000);
  await proc.exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Opens a WebSocket without a token; resolves with the HTTP status the upgrade was refused with. */
function refusedUpgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    socket.once('open', () => {
      socket.terminate();
      reject(new Error(`${url}: upgrade accepted without a token`));
    });
    socket.once('error', (error) => reject(error));
  });
}

type Sample = [number, string];
interface Series {
  metric: Record<string, string>;
  value?: Sample;
  values?: Sample[];
}
interface QueryResponse {
  status: string;
  error?: string;
  data: { resultType: string; result: Series[] };
}

describe('Prometheus scrapes a scenario run; every dashboard query returns data', () => {
  let dir: string;
  let server: Proc | undefined;
  let runner: Proc | undefined;
  let prometheus: Proc | undefined;
  let promUrl: string;
  let runnerMetricsUrl: string;
  let serverUrl: string;
  let startedAt: number;

  async function query(expr: string, time?: number): Promise<QueryResponse> {
    const body = new URLSearchParams({ query: expr });
    if (time !== undefined) body.set('time', String(time));
    const response = await fetch(`${promUrl}/api/v1/query`, { method: 'POST', body });
    return (await response.json()) as QueryResponse;
  }

  async function queryRange(expr: string, from: number, to: number): Promise<QueryResponse> {
    const body = new URLSearchParams({
      query: expr,
      start: String(from),
      end: String(to),
      step: '1',
    });
    const response = await fetch(`${promUrl}/api/v1/query_range`, { method: 'POST', body });
    return (await response.json()) as QueryResponse;
  }

  async function scalar(expr: string): Promise<number | undefined> {
    const value = (await query(expr)).data.result[0]?.value?.[1];
    return value === undefined ? undefined : Number(value);
  }

  beforeAll(async () => {
    // Fail loudly (never skip) when the binaries are missing.
    await runTool('prometheus', ['--version']);
    dir = await mkdtemp(join(tmpdir(), 'stormwatch-prom-'));
    await writeFile(join(dir, 'scenario.yaml'), SCENARIO);

    server = start(
      process.execPath,
      ['bin/stormwatch', 'serve', '--port', '0', '--connects-per-minute', '1000'],
      { STORMWATCH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn' },
    );
    serverUrl = (await waitFor(server, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    // One upgrade without a token, refused with 401: the rejection counter gets its series,
    // so the dashboard's rejection panel has data like every other query.
    expect(
      await refusedUpgradeStatus(`${serverUrl.replace(/^http/, 'ws')}/ws/breach-alerts/nobody`),
    ).toBe(401);

    runner = start(
      process.execPath,
      [
        'bin/stormwatch',
        'run',
        join(dir, 'scenario.yaml'),
        '--server-url',
        serverUrl,
        '--metrics-port',
        '0',
      ],
      { STORMWATCH_JWT_SECRET: SECRET },
    );
    runnerMetricsUrl = (
      await waitFor(runner, /metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/)
    )[1]!;

    // The committed config, with its jobs and rules, pointed at these processes and scraped
    // every second. Toxiproxy is not running here (the runner's proxy is embedded).
    const config = parse(await readFile(`${PROM_DIR}prometheus.yml`, 'utf8')) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets: Record<string, string> = {
      'stormwatch-server': new URL(serverUrl).host,
      'stormwatch-runner': new URL(runnerMetricsUrl).host,
    };
    config.global.scrape_interval = '1s';
    config.global.evaluation_interval = '1s';
    config.rule_files = config.rule_files.map((file) => `${PROM_DIR}${file}`);
    config.scrape_configs = config.scrape_configs
      .filter((job) => job.job_name in targets)
      .map((job) => ({ ...job, static_configs: [{ targets: [targets[job.job_name]!] }] }));
    expect(config.scrape_configs.map((j) => j.job_name).sort()).toEqual([
      'stormwatch-runner',
      'stormwatch-server',
    ]);
    await writeFile(join(dir, 'prometheus.yml'), stringify(config));

    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = start('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    startedAt = Date.now() / 1000;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ready = await fetch(`${promUrl}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (prometheus.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`prometheus did not become ready:\n${prometheus.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Wait for the story to play out while the runner still serves: reconnects recovered,
    // no fault active, every client connected again, and a few scrapes after that.
    const until = Date.now() + 40_000;
    for (;;) {
      const recovered = await scalar(
        `sum(${MetricName.clientReconnectEpisodes}{outcome="recovered"})`,
      );
      const faults = await scalar(`max(${MetricName.chaosFaultActive})`);
      const connected = await scalar(`sum(${MetricName.clientConnected})`);
      if ((recovered ?? 0) > 0 && faults === 0 && connected === CLIENTS) break;
      if (Date.now() > until || runner.child.exitCode !== null) {
        throw new Error(
          `the run never showed a recovery (recovered ${recovered}, faults ${faults}, connected ${connected}):\n${runner.output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }, 60_000);

  afterAll(async () => {
    await stop(runner);
    await stop(prometheus);
    await stop(server);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('scrapes both targets', async () => {
    const up = await query('up');
    expect(Object.fromEntries(up.data.result.map((s) => [s.metric.job, s.value?.[1]]))).toEqual({
      'stormwatch-server': '1',
      'stormwatch-runner': '1',
    });
  });

  it("the runner's live scrape passes promtool check metrics", async () => {
    const text = await (await fetch(runnerMetricsUrl)).text();
    expect(text).toContain(MetricName.clientConnectedSeconds);
    const lint = await runTool('promtool', ['check', 'metrics'], { input: text });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.code).toBe(0);
  });

  it("the server's live scrape passes promtool check metrics but for prom-client's listed defaults", async () => {
    const text = await (await fetch(`${serverUrl}/metrics`)).text();
    expect(text).toContain(MetricName.serverConnections);
    const lint = await runTool('promtool', ['check', 'metrics'], { input: text });
    // prom-client's default process metrics name three gauges with a _total suffix; ours pass.
    const allowed = [
      'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
      'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
      'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
    ];
    const problems = (lint.stdout + lint.stderr)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !allowed.includes(line));
    expect(problems).toEqual([]);
  });

  it('the recording rules produce the SLIs', async () => {
    const value = async (expr: string) => Number((await query(expr)).data.result[0]?.value?.[1]);
    const uptime = await value('job:alert_client_uptime:ratio_rate5m{job="stormwatch-runner"}');
    expect(uptime).toBeGreaterThan(0.5);
    expect(uptime).toBeLessThanOrEqual(1);
    expect(
      await value('job:alert_client_reconnect_success:ratio_rate5m{job="stormwatch-runner"}'),
    ).toBe(1);
    expect(await value('job:alert_client_alerts_missed:rate5m')).toBe(0);
    expect(await value('job:alert_client_alerts_duplicate:rate5m')).toBe(0);
    const pongP95 = await value('job:alert_client_pong_rtt_seconds:p95_rate5m');
    expect(pongP95).toBeGreaterThan(0);
    expect(pongP95).toBeLessThan(1);
  });

  it('every dashboard query, variables substituted, returns data of the expected shape', async () => {
    const now = Date.now() / 1000;
    const range = `${Math.ceil(now - startedAt)}s`;
    const values = { rateInterval: '4s', interval: '1s', range };
    const queries: PanelQuery[] = [];
    for (const file of DASHBOARD_FILES) queries.push(...panelQueries(await readDashboard(file)));
    expect(queries.length).toBeGreaterThan(35);

    const problems: string[] = [];
    const checked: string[] = [];
    for (const q of queries) {
      const expr = substitute(q.expr, values);
      expect(expr, `${q.panel}: unsubstituted variable`).not.toMatch(/\$/);
      const response = q.instant ? await query(expr, now) : await queryRange(expr, startedAt, now);
      const name = `${q.panel} ${q.refId}`;
      if (response.status !== 'success') {
        problems.push(`${name}: ${response.error ?? response.status}`);
        continue;
      }
      const series = response.data.result;
      const samples = series.flatMap((s) => (s.value === undefined ? (s.values ?? []) : [s.value]));
      const numbers = samples.map(([, v]) => Number(v)).filter((v) => !Number.isNaN(v));
      if (numbers.length === 0) {
        problems.push(`${name}: no data for ${expr}`);
        continue;
      }
      checked.push(name);
      const within = (lo: number, hi: number) => {
        if (numbers.some((v) => v < lo || v > hi))
          problems.push(`${name}: values outside [${lo}, ${hi}]: ${numbers.join(', ')}`);
      };
      if (q.panelType === 'heatmap' && !series.every((s) => 'le' in s.metric))
        problems.push(`${name}: heatmap series without le`);
      if (q.panelType === 'state-timeline') within(0, 1);
      if (q.panelType === 'annotation') {
        // The reset_peer fault was active during the run: the annotation must mark it.
        if (!series.some((s) => s.metric.fault !== undefined)) problems.push(`${name}: no fault`);
      }
      if (q.unit === 'percentunit' && q.panel !== 'CPU') within(0, 1);
      if (q.unit === 's' || q.unit === 'bytes' || q.unit === 'ops') within(0, Infinity);
      switch (q.panel) {
        case 'Uptime':
          within(0.5, 1);
          break;
        case 'Reconnect success':
          within(1, 1);
          break;
        case 'Alerts missed':
        case 'Alerts duplicated':
          within(0, 0);
          break;
        case 'Connected clients':
          within(CLIENTS, CLIENTS);
          break;
        case 'Open connections':
          within(CLIENTS, CLIENTS);
          break;
        case 'Reconnect time p95':
          within(0.001, 60);
          break;
      }
    }
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThan(30);
  });
});
