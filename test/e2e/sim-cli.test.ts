import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/runner/index.js';
import { simulate } from '../../src/sim/index.js';
import { runCli, runCliInterruptedInMethod } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

describe('stormwatch sim', () => {
  it(
    'passes a library scenario, prints events/s, and writes the same JSON report twice',
    { timeout: 60_000 },
    async () => {
      await withTempDir(async (dir) => {
        const args = (out: string) => [
          'sim',
          'scenarios/server-restart-graceful.yaml',
          '--clients',
          '200',
          '--duration',
          '2h',
          '--report',
          join(dir, out),
          '--junit',
          join(dir, 'r.xml'),
          '--markdown',
          join(dir, 'r.md'),
        ];
        const first = await runCli(args('a.json'));
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        expect(first.stdout).toMatch(/^stormwatch sim: Graceful server restart .* 200 clients/);
        expect(first.stdout).toMatch(/server graceful restart, down 1s \[line 13\]/);
        expect(first.stdout).toMatch(/verdict: PASS/);
        expect(first.stdout).toMatch(
          /simulated 2h\d*s? of 200 clients in [\d.]+ s: [\d,]+ events \([\d,]+ events\/s\), [\d,]+ client-hours/,
        );
        const second = await runCli(args('b.json'));
        expect(second.code).toBe(0);
        const a = await readFile(join(dir, 'a.json'), 'utf8');
        expect(await readFile(join(dir, 'b.json'), 'utf8')).toBe(a);
        const report = JSON.parse(a) as {
          mode: string;
          clients: number;
          durationSeconds: number;
          simulation: { events: number };
        };
        expect(report.mode).toBe('sim');
        expect(report.clients).toBe(200);
        expect(report.durationSeconds).toBeGreaterThan(7200);
        expect(report.simulation.events).toBeGreaterThan(50_000);
        expect(await readFile(join(dir, 'r.xml'), 'utf8')).toMatch(/<testsuites name="stormwatch"/);
      });
    },
  );

  it('simulates on its own thread and reports what simulate() reports here', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'report.json');
      const cli = await runCli(['sim', 'scenarios/mixed-chaos.yaml', '--quiet', '--report', file]);
      expect(cli.code).toBe(0);
      // The CLI's progress ticks (every 10 s of scenario time) are timers `events` counts too.
      const scenario = await loadScenario('scenarios/mixed-chaos.yaml');
      const here = await simulate(scenario, {
        progressEveryMs: 10_000 * scenario.config.timeScale,
      });
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(here.report)),
      );
    });
  });

  it(
    'stops the method on SIGINT, runs the rollbacks and still writes the report',
    { timeout: 60_000 },
    async () => {
      await withTempDir(async (dir) => {
        const file = join(dir, 'report.json');
        const result = await runCliInterruptedInMethod([
          'sim',
          'scenarios/steady.yaml',
          '--clients',
          '500',
          '--duration',
          '48h',
          '--report',
          file,
        ]);
        expect(result.sent).toBe(true);
        expect(result.stderr).toMatch(/SIGINT: stopping the method, running rollbacks/);
        expect(result.code).toBe(130);
        expect(result.stdout).toMatch(/verdict: INTERRUPTED — interrupted during the method/);
        const report = JSON.parse(await readFile(file, 'utf8')) as { verdict: string };
        expect(report.verdict).toBe('interrupted');
      });
    },
  );

  it('finishes and writes its report when the reader of its output goes away', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'report.json');
      const result = await runCli(
        ['sim', 'scenarios/mixed-chaos.yaml', '--duration', '2h', '--report', file],
        // As `| head -1` does: the pipe closes after the first line.
        { onStdout: (_text, child) => child.stdout?.destroy() },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(await readFile(file, 'utf8')) as { verdict: string };
      expect(report.verdict).toBe('pass');
    });
  });

  it('exits 99 when a threshold fails, as run does', async () => {
    const result = await runCli(['sim', 'test/fixtures/failing.yaml', '--quiet']);
    expect(result.code).toBe(99);
    expect(result.stdout).toMatch(/verdict: FAIL \(threshold\)/);
  });

  it('exits 1 with one line for bad flags and bad files', async () => {
    const duration = await runCli(['sim', 'scenarios/steady.yaml', '--duration', 'forever']);
    expect(duration.code).toBe(1);
    expect(duration.stderr.trim()).toBe(
      'stormwatch sim: --duration: expected a duration such as "90m" or "24h", got "forever"; see stormwatch sim --help',
    );
    const malformed = await runCli(['sim', 'test/fixtures/malformed.yaml']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim()).toMatch(
      /^stormwatch sim: test\/fixtures\/malformed\.yaml:5:38: /,
    );
  });

  it('run refuses sim-only actions with the file and line', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'drops.yaml');
      await writeFile(
        file,
        'version: 1\ntitle: drops\nmethod:\n  - { action: sim.drops, mtbf: 1h, duration: 1m }\n',
      );
      const result = await runCli(['run', file]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `stormwatch run: ${file}:4: sim.drops is a sim-only action (run the scenario with stormwatch sim)`,
      );
      const sim = await runCli(['sim', file, '--quiet']);
      expect(sim.code).toBe(0);
    });
  });
});
