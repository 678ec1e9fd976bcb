import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createToxiproxyServer } from '../../src/proxy/index.js';
import { runCli } from '../helpers/cli.js';
import type { RunReport } from '../../src/runner/index.js';

describe('stormwatch run', () => {
  it(
    'exits 99 and names the failed threshold, in the summary, the JSON and the JUnit XML',
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stormwatch-'));
      try {
        const result = await runCli([
          'run',
          'test/fixtures/failing.yaml',
          '--time-scale',
          '0.2',
          '--quiet',
          '--report',
          join(dir, 'r.json'),
          '--junit',
          join(dir, 'r.xml'),
          '--markdown',
          join(dir, 'r.md'),
        ]);
        expect(result.code).toBe(99);
        expect(result.stdout).toMatch(/✗ disconnections count>=1 \[all\] actual 0/);
        expect(result.stdout).toMatch(
          /verdict: FAIL \(threshold\) — threshold failed: disconnections count>=1 \(actual 0\)/,
        );
        const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as {
          verdict: string;
          thresholds: Array<{ metric: string; passed: boolean }>;
        };
        expect(report.verdict).toBe('threshold_failed');
        expect(report.thresholds).toEqual([
          expect.objectContaining({ metric: 'alerts_lost', passed: true }),
          expect.objectContaining({ metric: 'disconnections', passed: false }),
        ]);
        const junit = await readFile(join(dir, 'r.xml'), 'utf8');
        expect(junit).toMatch(
          /<testsuites name="stormwatch" tests="4" failures="1" errors="0" skipped="0">/,
        );
        expect(junit).toMatch(
          /<testcase classname="Deliberately failing threshold" name="disconnections: count&gt;=1 \[all\]">\n\s+<failure message="actual 0"\/>/,
        );
        expect(await readFile(join(dir, 'r.md'), 'utf8')).toMatch(
          /\| disconnections \| `count>=1` \| all \| 0 \| \*\*fail\*\* \|/,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('exits 1 with file:line:column for a malformed scenario', async () => {
    const result = await runCli(['run', 'test/fixtures/malformed.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'stormwatch run: test/fixtures/malformed.yaml:5:38: method[0].latency: expected a duration such as "12s" or a number of ms, got "soon"',
    );
  });

  it('exits 1 with a one-line reason for a missing file and for bad flags', async () => {
    const missing = await runCli(['run', 'scenarios/nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'stormwatch run: scenarios/nope.yaml: cannot read scenario (no such file)',
    );
    const flag = await runCli(['run', 'scenarios/steady.yaml', '--time-scale', 'fast']);
    expect(flag.code).toBe(1);
    expect(flag.stderr.trim()).toBe(
      'stormwatch run: --time-scale: expected a number within 0.001..100, got "fast"; see stormwatch run --help',
    );
  });

  it(
    'judges a fleet spread over worker processes as one: every event reaches the recorder',
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stormwatch-'));
      try {
        const result = await runCli([
          'run',
          'scenarios/token-expiry.yaml',
          '--time-scale',
          '0.1',
          '--workers',
          '3',
          '--quiet',
          '--report',
          join(dir, 'r.json'),
        ]);
        expect(result.stdout, result.stderr).toMatch(/verdict: PASS/);
        const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as RunReport;
        // 20 clients over 3 workers: each 4401 close and each reconnect was seen here.
        expect(report.metrics.planned_disconnections).toBeGreaterThanOrEqual(20);
        expect(report.metrics.reconnect_duration_seconds.count).toBeGreaterThanOrEqual(20);
        expect(report.alerts.delivered).toBe(report.alerts.expected);
        expect(report.alerts.expected, result.stdout).toBeGreaterThan(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('refuses a topology with --server-url and Redis steps with --redis, in one line', async () => {
    const topology = await runCli([
      'run',
      'scenarios/instance-failover.yaml',
      '--server-cmd',
      'true',
    ]);
    expect(topology.code).toBe(1);
    expect(topology.stderr.trim()).toBe(
      'stormwatch run: config.topology.instances: 3 starts its own instances: drop --server-url and --server-cmd',
    );
    const redis = await runCli([
      'run',
      'scenarios/redis-outage.yaml',
      '--redis',
      'redis://127.0.0.1:6379',
    ]);
    expect(redis.code).toBe(1);
    expect(redis.stderr.trim()).toBe(
      "stormwatch run: scenarios/redis-outage.yaml:19: redis.pause pauses, kills or starts Redis: it needs the run's own redis-server, not --redis",
    );
  });

  it(
    'runs the rollbacks on SIGINT during a fault and leaves no toxic behind',
    { timeout: 60_000 },
    async () => {
      const toxiproxy = createToxiproxyServer();
      const { url } = await toxiproxy.listen({ host: '127.0.0.1', port: 0 });
      let toxicsDuringFault = -1;
      let interrupted = false;
      try {
        const dir = await mkdtemp(join(tmpdir(), 'stormwatch-'));
        const reportPath = join(dir, 'r.json');
        const junitPath = join(dir, 'r.xml');
        const args = ['run', 'test/fixtures/long-fault.yaml', '--toxiproxy', url];
        let fetchError: unknown;
        const result = await runCli([...args, '--report', reportPath, '--junit', junitPath], {
          // Killed before the test's own timeout, so a run that never stops shows its output.
          timeoutMs: 45_000,
          onStdout: (out, child) => {
            if (!interrupted && /fault latency:downstream on/.test(out)) {
              interrupted = true;
              // Interrupted whatever the look at the proxy gave: a failed fetch must not leave
              // the 10-minute fault running.
              void fetch(`${url}/proxies/stormwatch-alerts/toxics`)
                .then((r) => r.json() as Promise<unknown[]>)
                .then(
                  (toxics) => (toxicsDuringFault = toxics.length),
                  (error: unknown) => (fetchError = error),
                )
                .finally(() => child.kill('SIGINT'));
            }
          },
        });
        // 130 as a shell reports Ctrl-C; the summary does not judge what was cut short.
        expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(130);
        expect(fetchError).toBeUndefined();
        expect(toxicsDuringFault).toBe(1);
        expect(result.stderr).toMatch(/SIGINT: stopping the method, running rollbacks/);
        expect(result.stdout).toMatch(/faults reset/);
        expect(result.stdout).toMatch(/verdict: INTERRUPTED — interrupted during the method/);
        expect(result.stdout).not.toMatch(/ lost \d/);
        expect(result.stdout).toMatch(/ pending \d+ /);
        const report = JSON.parse(await readFile(reportPath, 'utf8')) as {
          verdict: string;
          alerts: { lost: number; pending: number };
        };
        expect(report.verdict).toBe('interrupted');
        expect(report.alerts.lost).toBe(0);
        expect(await readFile(junitPath, 'utf8')).toMatch(/errors="1"/);
        await rm(dir, { recursive: true, force: true });
        const proxies = (await (await fetch(`${url}/proxies`)).json()) as Record<
          string,
          { toxics: unknown[] }
        >;
        for (const proxy of Object.values(proxies)) expect(proxy.toxics).toEqual([]);
      } finally {
        await toxiproxy.close();
      }
    },
  );

  it(
    'reports the epoch change when a child-process server on the memory broker restarts',
    { timeout: 90_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stormwatch-'));
      try {
        const report = join(dir, 'r.json');
        const result = await runCli([
          'run',
          'test/fixtures/child-restart.yaml',
          '--time-scale',
          '0.2',
          '--quiet',
          '--report',
          report,
          '--server-cmd',
          `"${process.execPath}" bin/stormwatch serve --connects-per-minute 1000`,
        ]);
        expect(result.stdout, result.stderr).toMatch(
          /history resets +5 clients saw the server's history lost \(2 epochs\)/,
        );
        expect(result.code).toBe(0);
        const json = JSON.parse(await readFile(report, 'utf8')) as {
          alerts: { historyResets: number; epochs: number; published: number };
        };
        expect(json.alerts.historyResets).toBe(5);
        expect(json.alerts.epochs).toBe(2);
        expect(json.alerts.published).toBeGreaterThan(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
