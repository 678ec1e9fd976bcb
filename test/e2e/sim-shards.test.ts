import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInterruptedInMethod } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

interface Report {
  verdict: string;
  faults: Array<{ name: string; start: number; end: number | null }>;
  clients: number;
  alerts: { published: number; expected: number; delivered: number; lost: number };
  metrics: { planned_disconnections: number; reconnect_episodes: { recovered: number } };
  steadyState: { before: Array<{ actual: number; met: boolean }> };
  simulation: { events: number; shards?: number };
}

const restart = (dir: string, out: string, shards: number) => [
  'sim',
  'scenarios/server-restart-graceful.yaml',
  '--clients',
  '300',
  '--duration',
  '1h',
  '--shards',
  String(shards),
  '--report',
  join(dir, out),
];

describe('stormwatch sim --shards', () => {
  it(
    'splits the fleet by user over threads: probes see the whole fleet, the report is the same twice, lines come once',
    { timeout: 120_000 },
    async () => {
      await withTempDir(async (dir) => {
        const first = await runCli(restart(dir, 'a.json', 3));
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        expect(first.stdout).toMatch(
          /— 300 clients, 300 users, seed 11, timeScale 1, .*, 3 shards$/m,
        );
        // The method's lines are shard 0's alone.
        expect(first.stdout.match(/server graceful restart, down 1s/g)).toHaveLength(1);
        expect(first.stdout).toMatch(/shards +the fleet split by user over 3 threads/);
        const again = await runCli(restart(dir, 'b.json', 3));
        expect(again.code).toBe(0);
        const a = await readFile(join(dir, 'a.json'), 'utf8');
        expect(await readFile(join(dir, 'b.json'), 'utf8')).toBe(a);

        const whole = await runCli(restart(dir, 'one.json', 1));
        expect(whole.code).toBe(0);
        const sharded = JSON.parse(a) as Report;
        const one = JSON.parse(await readFile(join(dir, 'one.json'), 'utf8')) as Report;
        expect(sharded.verdict).toBe('pass');
        expect(sharded.simulation.shards).toBe(3);
        expect(one.simulation.shards).toBeUndefined();
        // all-connected (eq 300) read the whole fleet: each shard alone holds about 100.
        expect(sharded.steadyState.before).toEqual([
          expect.objectContaining({ actual: 300, met: true }),
        ]);
        expect(sharded.alerts.delivered).toBe(sharded.alerts.expected);
        expect(sharded.metrics.planned_disconnections).toBe(300);
        // Each client has its own network and the publisher draws the same alerts, so the
        // sharded run is the one-thread run: only the graceful stop, which the shards end
        // together at a 10 ms step, ends up to 10 ms later.
        const apart = (r: Report) => ({ ...r, simulation: undefined, faults: undefined });
        expect(apart(sharded)).toEqual(apart(one));
        expect(sharded.faults).toHaveLength(one.faults.length);
        sharded.faults.forEach((fault, i) => {
          expect(fault.start).toBe(one.faults[i]!.start);
          expect(fault.end! - one.faults[i]!.end!).toBeGreaterThanOrEqual(0);
          expect(fault.end! - one.faults[i]!.end!).toBeLessThanOrEqual(0.01 + 1e-9);
        });
        // The shards' timers add up to about the whole fleet's, plus each shard's own copy of
        // the fleet-wide ones (the publisher's schedule, progress, timeline): at 300 clients
        // publishing 5 alerts a second, about a sixth more.
        const ratio = sharded.simulation.events / one.simulation.events;
        expect(ratio).toBeGreaterThan(1);
        expect(ratio).toBeLessThan(1.3);
      });
    },
  );

  it(
    'goes on from a graceful restart together when one shard drains slower than another',
    { timeout: 60_000 },
    async () => {
      await withTempDir(async (dir) => {
        // Seed 2 slows a link of one shard only: its server waits out the 5 s grace for that
        // socket's close while the other's is drained at once (without waiting for each other,
        // the shards fell out of step at the next probe).
        const file = join(dir, 'slow-drain.yaml');
        await writeFile(
          file,
          `version: 1
title: Graceful restart with some links slow
config: { clients: 8, seed: 2, alertsPerSecond: 2 }
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  - { at: 2s, action: fault.latency, latency: 8s, stream: downstream, toxicity: 0.3, duration: 20s }
  - { at: 5s, action: server.restart, graceful: true, downtime: 1s }
  - { action: wait_until, probe: all-connected, timeout: 2m }
thresholds:
  alerts_lost: ["count==0"]
`,
        );
        const args = (out: string) => [
          'sim',
          file,
          '--shards',
          '2',
          '--quiet',
          '--report',
          join(dir, out),
        ];
        const first = await runCli(args('a.json'));
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        await runCli(args('b.json'));
        const a = await readFile(join(dir, 'a.json'), 'utf8');
        expect(await readFile(join(dir, 'b.json'), 'utf8')).toBe(a);
        expect((JSON.parse(a) as Report).alerts.lost).toBe(0);
      });
    },
  );

  it('stops every shard on SIGINT and still writes the report', { timeout: 60_000 }, async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'report.json');
      const result = await runCliInterruptedInMethod([
        'sim',
        'scenarios/steady.yaml',
        '--clients',
        '600',
        '--duration',
        '48h',
        '--shards',
        '2',
        '--report',
        file,
      ]);
      expect(result.sent).toBe(true);
      expect(result.code).toBe(130);
      expect(result.stdout).toMatch(/verdict: INTERRUPTED — interrupted during the method/);
      const report = JSON.parse(await readFile(file, 'utf8')) as Report;
      expect(report.verdict).toBe('interrupted');
      expect(report.clients).toBe(600);
    });
  });

  it('refuses a shard count it cannot run, with one clear line', async () => {
    await withTempDir(async (dir) => {
      const zero = await runCli(['sim', 'scenarios/steady.yaml', '--shards', '0']);
      expect(zero.code).toBe(1);
      expect(zero.stderr).toMatch(/--shards: expected an integer within 1\.\.64, got "0"/);

      const users = await runCli([
        'sim',
        'scenarios/server-restart-graceful.yaml',
        '--shards',
        '31',
      ]);
      expect(users.code).not.toBe(0);
      expect(users.stderr).toMatch(/--shards 31: more shards than the scenario's 30 users/);

      const file = join(dir, 'abort.yaml');
      await writeFile(
        file,
        `version: 1
title: Judged mid-run
config: { clients: 20 }
method:
  - { action: wait, duration: 1m }
thresholds:
  uptime_ratio: [{ threshold: "value>0.99", abortOnFail: true }]
`,
      );
      const aborting = await runCli(['sim', file, '--shards', '2']);
      expect(aborting.code).not.toBe(0);
      expect(aborting.stderr).toMatch(
        /thresholds\.uptime_ratio has abortOnFail, which judges the whole fleet while the run goes on: simulate it with --shards 1/,
      );
    });
  });
});
