import { readdirSync } from 'node:fs';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { ciTimeScale } from '../helpers/library.js';

const scenarios = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('scenario library', () => {
  it('has the scenarios the README lists', () => {
    expect(scenarios).toEqual([
      'blackhole.yaml',
      'flapping-drops.yaml',
      'hot-user-backlog.yaml',
      'instance-failover.yaml',
      'latency-12s.yaml',
      'long-outage.yaml',
      'max-attempts.yaml',
      'mixed-chaos.yaml',
      'proxy-down.yaml',
      'redis-outage.yaml',
      'redis-restart.yaml',
      'restart-storm-no-jitter.yaml',
      'restart-storm.yaml',
      'server-restart-graceful.yaml',
      'server-restart-hard.yaml',
      'slow-network.yaml',
      'steady.yaml',
      'token-expiry.yaml',
      'websocket-blocked.yaml',
    ]);
  });

  for (const file of scenarios) {
    it(`${file} passes its thresholds`, { timeout: 180_000 }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stormwatch-'));
      try {
        const report = join(dir, 'report.json');
        const scale = String(ciTimeScale(file));
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
