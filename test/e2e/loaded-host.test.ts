// Verdicts that hold on a busy machine: every library scenario at its CI time scale (the pong
// and herd cases at harsher scales instead), with two CPU-burning processes beside it, exits 0 or
// 97 (inconclusive, the reason named) — never 99; a deliberately broken client still exits 99
// under the same load.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { ciTimeScale } from '../helpers/library.js';

// Each burner spins one core and stops by itself, whatever happens to the test.
const BURN_S = 900;
let burners: ChildProcess[] = [];

beforeAll(() => {
  burners = [0, 1].map(() =>
    spawn(
      process.execPath,
      ['-e', `const end = Date.now() + ${BURN_S * 1000}; while (Date.now() < end) {}`],
      { stdio: 'ignore' },
    ),
  );
});
afterAll(() => {
  for (const burner of burners) burner.kill('SIGKILL');
});

// Each scenario once: at its CI scale, or only at the harsher scale below when it has one.
const HARSHER: Record<string, string> = {
  // A 5 ms pong would read 100 ms.
  'steady.yaml': '0.05',
  // 200 connections in a 100 ms second.
  'restart-storm-no-jitter.yaml': '0.1',
};
const library = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => [`scenarios/${f}`, HARSHER[f] ?? String(ciTimeScale(f))] as const);

describe('on a loaded host', () => {
  it.each(library)(
    '%s at %s exits 0 or 97, never 99',
    { timeout: 240_000 },
    async (file, scale) => {
      const result = await runCli(['run', file, '--time-scale', scale, '--quiet'], {
        timeoutMs: 230_000,
      });
      expect(result.stdout).toMatch(/host lag {2,}event-loop p50 [\d.]+ · p99 [\d.]+/);
      expect([0, 97], result.stdout + result.stderr).toContain(result.code);
      if (result.code === 97) {
        expect(result.stdout).toMatch(
          /verdict: INCONCLUSIVE — inconclusive: .*(\(event-loop lag p99 [\d.]+ ms|this machine opens about \d+ connections per scenario second)/,
        );
      }
    },
  );

  it(
    'fails a client whose dead-link detection takes 90 s against 52.5 s: 99, not 97',
    {
      timeout: 120_000,
    },
    async () => {
      const result = await runCli([
        'run',
        'test/fixtures/broken-detection.yaml',
        '--time-scale',
        '0.05',
        '--quiet',
      ]);
      expect(result.stdout).toMatch(/✗ detection_seconds max<=52\.5 \[all\] actual (8\d|9\d)\./);
      expect(result.code).toBe(99);
    },
  );
});
