// stormwatch pointed at services that are not its own: the original Django Channels backend
// (Daphne on the real Redis) and a plain ws server with control-frame pings only, each started
// by the run (--server-cmd) or already running. The library's fault scenarios at a compressed
// time scale, judged on what each stack can and cannot do.
import { readFile, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/index.js';
import { runCli } from '../helpers/cli.js';
import { startDjangoTarget } from '../helpers/django-target.js';

const dir = mkdtempSync(join(tmpdir(), 'stormwatch-targets-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// Python answers in real time that the scale would magnify: 0.1 leaves the 12 s latency at
// 1.2 s against a 1 s pong timeout and a 2 s dead threshold.
const SCALE = '0.1';

interface Stack {
  name: string;
  cmd: string;
  url: string;
  profile: string;
  /** True when the stack hands a reconnecting client what it missed. */
  replays: boolean;
  /** True when the client times a round trip of its own (not Socket.IO's server-led pings). */
  pongs: boolean;
}

// Engine.IO's heartbeat at the spec's timings, scaled: ping every 3 s, 2 s to answer.
const SOCKETIO = `PING_INTERVAL_MS=3000 PING_TIMEOUT_MS=2000 ${process.execPath} --import tsx targets/socketio/server.ts`;

const STACKS: Stack[] = [
  {
    name: 'django-channels',
    cmd: 'targets/django-channels/serve.sh',
    url: 'ws://127.0.0.1:{port}/ws/breach-alerts/{user}/',
    profile: 'django-channels',
    replays: false,
    pongs: true,
  },
  {
    name: 'ws-ping',
    cmd: `${process.execPath} --import tsx targets/ws-ping/server.ts`,
    url: 'ws://127.0.0.1:{port}/ws/{user}',
    profile: 'targets/ws-ping/profile.yaml',
    replays: false,
    pongs: true,
  },
];

async function run(
  stack: Stack,
  scenario: string,
  extra: string[] = [],
): Promise<{ code: number | null; report: RunReport; out: string }> {
  const file = join(dir, `${stack.name}-${scenario}.json`);
  const result = await runCli(
    [
      'run',
      `scenarios/${scenario}.yaml`,
      '--time-scale',
      SCALE,
      '--quiet',
      '--server-cmd',
      stack.cmd,
      '--target',
      stack.url,
      '--profile',
      stack.profile,
      '--publish',
      '/publish',
      '--report',
      file,
      ...extra,
    ],
    { timeoutMs: 170_000 },
  );
  const out = result.stdout + result.stderr;
  const report = JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as RunReport;
  expect(report, out).not.toBeNull();
  return { code: result.code, report, out };
}

const failedMetrics = (report: RunReport): string[] =>
  report.thresholds.filter((t) => !t.passed && !t.inconclusive).map((t) => t.metric);

describe.each(STACKS)('$name, started by the run', (stack) => {
  it(
    '12 s of latency is slow, not dead: poor, no disconnection, nothing lost',
    { timeout: 180_000 },
    async () => {
      const { code, report, out } = await run(stack, 'latency-12s');
      expect(code, out).toBe(0);
      expect(report.target).toEqual({
        url: stack.url,
        profile: stack.profile,
        token: 'HS256 tokens signed with the run secret',
        publish: 'POST /publish',
      });
      expect(report.metrics.disconnections).toBe(0);
      if (stack.pongs) {
        expect(report.metrics.poor_transitions).toBe(report.clients);
        expect(report.metrics.pong_rtt_seconds.max).toBeGreaterThanOrEqual(12);
      } else {
        expect(
          report.thresholds.filter((t) => t.notMeasured !== undefined).map((t) => t.metric),
        ).toEqual(['poor_transitions', 'pong_rtt_seconds']);
      }
      expect(report.alerts.published).toBeGreaterThan(0);
      expect(report.alerts.lost).toBe(0);
    },
  );

  it(
    'a blackhole is detected within 52.5 s; what it swallowed is lost unless replayed',
    { timeout: 180_000 },
    async () => {
      const { code, report, out } = await run(stack, 'blackhole');
      expect(code, out).toBe(stack.replays ? 0 : 99);
      expect(failedMetrics(report)).toEqual(stack.replays ? [] : ['alerts_lost']);
      expect(report.metrics.heartbeat_timeouts).toBe(report.clients);
      expect(report.metrics.detection_seconds.max).toBeLessThanOrEqual(52.5);
      expect(report.metrics.reconnect_success_ratio).toBe(1);
      if (stack.replays) expect(report.alerts.lost).toBe(0);
      else expect(report.alerts.lost).toBeGreaterThan(0);
      expect(report.alerts.duplicated).toBe(0);
    },
  );

  it(
    'proxy down: the exact backoff schedule, every client back, the outage lost unless replayed',
    { timeout: 180_000 },
    async () => {
      const { code, report, out } = await run(stack, 'proxy-down');
      expect(code, out).toBe(stack.replays ? 0 : 99);
      expect(failedMetrics(report)).toEqual(stack.replays ? [] : ['alerts_lost']);
      expect(report.metrics.backoff_schedule_seconds.map((b) => b.delay)).toEqual([
        1, 2, 4, 8, 16, 30, 30,
      ]);
      expect(report.metrics.reconnect_success_ratio).toBe(1);
      expect(report.metrics.clients_failed).toBe(0);
    },
  );
});

// Socket.IO's recovery resumes from the offset of the last event a client received: a client
// that had received nothing before the link died recovers nothing. In the blackhole scenario
// (20 users, a second of publishing before the fault) that leaves about a fifth of the alerts
// lost with recovery, four fifths without.
describe('Socket.IO, started by the run', () => {
  const socketio = (recovery: boolean): Stack => ({
    name: recovery ? 'socketio-recovery' : 'socketio',
    cmd: recovery ? `RECOVERY=1 ${SOCKETIO}` : SOCKETIO,
    url: 'ws://127.0.0.1:{port}/',
    profile: 'targets/socketio/profile.yaml',
    replays: recovery,
    pongs: false,
  });

  it(
    '12 s of latency: no disconnection, nothing lost; no round trip to time',
    { timeout: 180_000 },
    async () => {
      const { code, report, out } = await run(socketio(true), 'latency-12s');
      expect(code, out).toBe(0);
      expect(report.metrics.disconnections).toBe(0);
      expect(report.alerts.lost).toBe(0);
      expect(
        report.thresholds.filter((t) => t.notMeasured !== undefined).map((t) => t.metric),
      ).toEqual(['poor_transitions', 'pong_rtt_seconds']);
    },
  );

  it.each([true, false])(
    'a blackhole is detected by Engine.IO within 52.5 s (recovery %s)',
    { timeout: 180_000 },
    async (recovery) => {
      const { code, report, out } = await run(socketio(recovery), 'blackhole');
      expect(code, out).toBe(99);
      expect(failedMetrics(report)).toEqual(['alerts_lost']);
      expect(report.metrics.heartbeat_timeouts).toBe(report.clients);
      expect(report.metrics.detection_seconds.max).toBeLessThanOrEqual(52.5);
      expect(report.alerts.duplicated).toBe(0);
      // Recovery hands back most of what the dead link swallowed; without it most is lost.
      if (recovery) expect(report.alerts.lost * 2, out).toBeLessThan(report.alerts.published);
      else expect(report.alerts.lost * 2, out).toBeGreaterThan(report.alerts.published);
    },
  );
});

describe('Socket.IO without recovery, proxy down', () => {
  it(
    'the exact backoff schedule, every client back, the outage lost',
    { timeout: 180_000 },
    async () => {
      const { code, report, out } = await run(
        {
          name: 'socketio',
          cmd: SOCKETIO,
          url: 'ws://127.0.0.1:{port}/',
          profile: 'targets/socketio/profile.yaml',
          replays: false,
          pongs: false,
        },
        'proxy-down',
      );
      expect(code, out).toBe(99);
      expect(failedMetrics(report)).toEqual(['alerts_lost']);
      expect(report.metrics.backoff_schedule_seconds.map((b) => b.delay)).toEqual([
        1, 2, 4, 8, 16, 30, 30,
      ]);
      expect(report.metrics.reconnect_success_ratio).toBe(1);
    },
  );
});

describe('a Django Channels backend the run did not start', () => {
  it(
    'runs with --token-cmd and --publish none: health judged, delivery not measured',
    { timeout: 180_000 },
    async () => {
      const target = await startDjangoTarget();
      try {
        const result = await runCli(
          [
            'run',
            'scenarios/blackhole.yaml',
            '--time-scale',
            SCALE,
            '--clients',
            '5',
            '--quiet',
            '--target',
            `ws://127.0.0.1:${target.port}/ws/breach-alerts/{user}/`,
            '--profile',
            'django-channels',
            '--token-cmd',
            `${process.execPath} bin/stormwatch token --sub "$STORMWATCH_USER"`,
            '--publish',
            'none',
          ],
          { timeoutMs: 170_000, env: { STORMWATCH_JWT_SECRET: target.secret } },
        );
        const out = result.stdout + result.stderr;
        expect(result.code, out).toBe(0);
        expect(out).toContain('(profile django-channels, token from a command, publish none)');
        expect(out).toContain(
          '  - alerts_lost count==0 [all] not measured: publish: none (connection health only)',
        );
        // The report trims trailing zeros: a detection of exactly 50 s reads "actual 50".
        expect(out).toMatch(/✓ detection_seconds max<=52\.5 \[all\] actual \d+(\.\d+)? /);
        expect(out).toContain('✓ heartbeat_timeouts count>0 [fault] actual 5');
      } finally {
        await target.stop();
      }
    },
  );

  it(
    'stops at once, quoting the frame, when the profile does not match what it says',
    { timeout: 120_000 },
    async () => {
      const result = await runCli(
        [
          'run',
          'scenarios/latency-12s.yaml',
          '--time-scale',
          SCALE,
          '--clients',
          '2',
          '--quiet',
          '--server-cmd',
          STACKS[1]!.cmd,
          '--target',
          STACKS[1]!.url,
          '--profile',
          'django-channels',
          '--publish',
          '/publish',
        ],
        { timeoutMs: 110_000 },
      );
      const out = result.stdout + result.stderr;
      expect(result.code, out).toBe(1);
      expect(out).toMatch(
        /verdict: ERROR — ws:\/\/127\.0\.0\.1:\{port\}\/ws\/\{user\} does not speak profile django-channels: profile json does not match this frame from the server: "\{\\"id\\":\\"sw-/,
      );
    },
  );
});
