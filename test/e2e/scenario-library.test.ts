import { readdirSync } from 'node:fs';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/index.js';
import { ROOT, runCli } from '../helpers/cli.js';

// Every library scenario, compressed. A restart storm needs room to show the herd: a scenario
// second must hold more connections than the storm's 150 bound, and this machine opens about
// 390 a second when quiet (at 0.5 that is 195 a scenario second, at 0.1 57: below the bound the
// herd thresholds are inconclusive, exit 97), so the storms run in real time.
// A restart's own real time (closing and re-listening) is divided by the scale too: at 0.05 it
// added up to 5.01 s to the graceful restart's average reconnect, against its 5 s target.
const TIME_SCALE: Record<string, number> = {
  'restart-storm.yaml': 1,
  'restart-storm-no-jitter.yaml': 1,
  'server-restart-graceful.yaml': 0.25,
  'server-restart-hard.yaml': 0.25,
  // Loopback round trips are real time: at 0.05 a 5 ms pong reads as 100 ms of scenario time,
  // so scenarios that judge pong RTT run closer to real time.
  'steady.yaml': 1,
  'mixed-chaos.yaml': 0.25,
  // Its replays of ~1,200 alerts per tab take real time that the scale would magnify: at 0.25
  // the slowest catch-up read 0.44 s of scenario time against its 5 s target.
  'hot-user-backlog.yaml': 0.25,
};
const scenarios = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('scenario library', () => {
  it('has the scenarios the README lists', () => {
    expect(scenarios).toEqual([
      'blackhole.yaml',
      'flapping-drops.yaml',
      'hot-user-backlog.yaml',
      'latency-12s.yaml',
      'long-outage.yaml',
      'max-attempts.yaml',
      'mixed-chaos.yaml',
      'proxy-down.yaml',
      'restart-storm-no-jitter.yaml',
      'restart-storm.yaml',
      'server-restart-graceful.yaml',
      'server-restart-hard.yaml',
      'slow-network.yaml',
      'steady.yaml',
      'token-expiry.yaml',
    ]);
  });

  for (const file of scenarios) {
    it(`${file} passes its thresholds`, { timeout: 180_000 }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stormwatch-'));
      try {
        const report = join(dir, 'report.json');
        const scale = String(TIME_SCALE[file] ?? 0.05);
        const result = await runCli([
          'run',
          `scenarios/${file}`,
          '--time-scale',
          scale,
          '--quiet',
          '--report',
          report,
        ]);
        expect(result.stdout, result.stderr).toMatch(/verdict: PASS/);
        expect(result.code).toBe(0);
        const json = JSON.parse(await readFile(report, 'utf8')) as RunReport;
        expect(json.verdict).toBe('pass');
        expect(json.alerts.lost).toBe(0);
        expect(json.alerts.published).toBeGreaterThan(0);
        expect(json.thresholds.length).toBeGreaterThan(0);
        // Every client of the library is well behaved: the server's flood guard closed none.
        expect(json.server.closes).not.toBeNull();
        expect(json.server.closes?.['1008'] ?? 0).toBe(0);
        expect(json.metrics.policy_closes).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
