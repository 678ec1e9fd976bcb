/**
 * targets: the library's fault scenarios against every reference target, each with stormwatch's
 * client and with that stack's natural client policy, through `stormwatch run` (real sockets,
 * the embedded fault proxy, the target started by --server-cmd). Prints one Markdown table:
 * detection time of a dead link, recovery time, alerts lost and duplicated, disconnections.
 * Loopback only; every run stops by itself.
 *
 * Run: node --import tsx bench/targets/compare.ts [--scale 0.1] [--only django,socketio]
 *      [--json out/targets.json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { RunReport } from '../../src/runner/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = process.execPath;
const SOCKETIO = `PING_INTERVAL_MS=__PI__ PING_TIMEOUT_MS=__PT__ ${NODE} --import tsx targets/socketio/server.ts`;

interface Target {
  key: string;
  label: string;
  cmd: string;
  url: string;
  profile: string;
  /** The stack's own client policy, as scenario client settings. */
  natural: { label: string; client: Record<string, unknown> };
}

const TARGETS: Target[] = [
  {
    key: 'django',
    label: 'Django Channels (Daphne, channels-redis)',
    cmd: 'targets/django-channels/serve.sh',
    url: 'ws://127.0.0.1:{port}/ws/breach-alerts/{user}/',
    profile: 'django-channels',
    // The original browser client: 1 s·2ⁿ to 30 s, 10 attempts, ping 30 s, pong timeout 10 s
    // → "poor", and nothing that ever declares a silent link dead.
    natural: { label: 'seed client', client: { jitter: 'none', deadAfter: '7d' } },
  },
  {
    key: 'ws-ping',
    label: 'plain ws, control-frame pings',
    cmd: `${NODE} --import tsx targets/ws-ping/server.ts`,
    url: 'ws://127.0.0.1:{port}/ws/{user}',
    profile: 'targets/ws-ping/profile.yaml',
    natural: { label: 'seed client', client: { jitter: 'none', deadAfter: '7d' } },
  },
  {
    key: 'socketio',
    label: 'Socket.IO 4, no recovery',
    cmd: SOCKETIO,
    url: 'ws://127.0.0.1:{port}/',
    profile: 'targets/socketio/profile.yaml',
    // socket.io-client's reconnection defaults: 1 s doubling to 5 s, ±50 %, never giving up.
    natural: {
      label: 'socket.io-client policy',
      client: { initialDelay: '1s', maxDelay: '5s', jitter: 'equal', maxAttempts: 1000 },
    },
  },
  {
    key: 'socketio-recovery',
    label: 'Socket.IO 4, connection-state recovery',
    cmd: `RECOVERY=1 ${SOCKETIO}`,
    url: 'ws://127.0.0.1:{port}/',
    profile: 'targets/socketio/profile.yaml',
    natural: {
      label: 'socket.io-client policy',
      client: { initialDelay: '1s', maxDelay: '5s', jitter: 'equal', maxAttempts: 1000 },
    },
  },
];

/** The faults, as library scenarios; a restart's own real time needs a gentler scale. */
const FAULTS = [
  { key: 'latency', file: 'latency-12s.yaml', scale: 1 },
  { key: 'blackhole', file: 'blackhole.yaml', scale: 1 },
  { key: 'reset', file: 'flapping-drops.yaml', scale: 1 },
  { key: 'proxy down', file: 'proxy-down.yaml', scale: 1 },
  { key: 'hard restart', file: 'server-restart-hard.yaml', scale: 2.5 },
];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const scale = Number(flag('scale') ?? '0.1');
if (!(scale > 0 && scale <= 1)) throw new Error(`--scale: expected (0, 1], got ${flag('scale')}`);
const only = flag('only')?.split(',');
const jsonOut = flag('json');

const secret = 'targets-bench-secret-long-enough-for-hs256';
const dir = mkdtempSync(join(tmpdir(), 'stormwatch-targets-bench-'));

/** The scenario with the client settings merged into config.client, as a temporary file. */
function withClient(file: string, client: Record<string, unknown>, name: string): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'scenarios', file), 'utf8'));
  for (const [key, value] of Object.entries(client)) doc.setIn(['config', 'client', key], value);
  const out = join(dir, `${name}-${file}`);
  writeFileSync(out, String(doc));
  return out;
}

interface Row {
  target: string;
  client: string;
  fault: string;
  verdict: string;
  exit: number | null;
  detectionMaxS: number | null;
  reconnectP50S: number | null;
  reconnectMaxS: number | null;
  lost: number;
  published: number;
  duplicated: number;
  disconnections: number;
  failed: string[];
}

const rows: Row[] = [];
for (const target of TARGETS.filter((t) => only === undefined || only.includes(t.key))) {
  for (const style of [
    { label: 'stormwatch', client: {} as Record<string, unknown> },
    target.natural,
  ]) {
    for (const fault of FAULTS) {
      const runScale = Math.min(1, scale * fault.scale);
      const scenario = withClient(fault.file, style.client, `${target.key}-${style.label}`);
      const report = join(dir, 'report.json');
      rmSync(report, { force: true });
      // Engine.IO's ping interval and timeout at the spec's 30 s and 20 s, scaled.
      const cmd = target.cmd
        .replace('__PI__', String(Math.round(30_000 * runScale)))
        .replace('__PT__', String(Math.round(20_000 * runScale)));
      const args = [
        'bin/stormwatch',
        'run',
        scenario,
        '--time-scale',
        String(runScale),
        '--quiet',
        '--server-cmd',
        cmd,
        '--target',
        target.url,
        '--profile',
        target.profile,
        '--publish',
        '/publish',
        '--report',
        report,
      ];
      const started = performance.now();
      const result = spawnSync(NODE, args, {
        cwd: ROOT,
        env: { ...process.env, STORMWATCH_JWT_SECRET: secret },
        encoding: 'utf8',
        timeout: 600_000,
      });
      let parsed: RunReport | undefined;
      try {
        parsed = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
      } catch {
        console.error(`${target.key} / ${style.label} / ${fault.key}: no report\n${result.stderr}`);
        continue;
      }
      const m = parsed.metrics;
      const row: Row = {
        target: target.label,
        client: style.label,
        fault: fault.key,
        verdict: parsed.verdict,
        exit: result.status,
        detectionMaxS: m.detection_seconds.count > 0 ? m.detection_seconds.max : null,
        reconnectP50S:
          m.reconnect_duration_seconds.count > 0 ? m.reconnect_duration_seconds.p50 : null,
        reconnectMaxS:
          m.reconnect_duration_seconds.count > 0 ? m.reconnect_duration_seconds.max : null,
        lost: parsed.alerts.lost,
        published: parsed.alerts.published,
        duplicated: parsed.alerts.duplicated,
        disconnections: m.disconnections,
        failed: parsed.thresholds
          .filter((t) => !t.passed && !t.inconclusive && t.notMeasured === undefined)
          .map((t) => t.metric),
      };
      rows.push(row);
      console.error(
        `${target.key} / ${style.label} / ${fault.key} at ${runScale}: ${row.verdict} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    }
  }
}
rmSync(dir, { recursive: true, force: true });

const s = (value: number | null): string => (value === null ? '–' : value.toFixed(1));
console.log(
  `\nscale ${scale} (restarts at ${Math.min(1, scale * 2.5)}); times in scenario seconds\n`,
);
console.log(
  '| target | client | fault | detection max (s) | reconnect p50 / max (s) | lost / published | dup | disconnects | failed thresholds |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.target} | ${r.client} | ${r.fault} | ${s(r.detectionMaxS)} | ${s(r.reconnectP50S)} / ${s(r.reconnectMaxS)} | ${r.lost} / ${r.published} | ${r.duplicated} | ${r.disconnections} | ${r.failed.join(', ') || 'none'} |`,
  );
}
if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify({ scale, rows }, null, 2));
