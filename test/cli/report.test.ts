import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

const FIXTURE = new URL('../fixtures/report-proxy-down.json', import.meta.url);

/** Runs `main` with stdout and stderr captured. */
async function capture(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const before = [process.stdout, process.stderr].map((s) => s.listeners('error'));
  const code = await main(argv);
  vi.restoreAllMocks();
  // main() guards the streams once per process; here it runs once per test.
  [process.stdout, process.stderr].forEach((stream, i) => {
    for (const listener of stream.listeners('error')) {
      if (!before[i]!.includes(listener)) stream.off('error', listener as () => void);
    }
  });
  return { code, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

/** The one line `stormwatch report` prints for `json` (written to a file) as its report. */
async function errorFor(json: string): Promise<string> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'r.json');
    await writeFile(file, json);
    const result = await capture(['report', file, '--html', join(dir, 'r.html')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    return result.stderr.replaceAll(dir, '<dir>');
  });
}

async function fixtureWith(change: (report: Record<string, unknown>) => void): Promise<string> {
  const report = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>;
  change(report);
  return JSON.stringify(report);
}

describe('stormwatch report', () => {
  it('prints its usage for --help', async () => {
    const result = await capture(['report', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: stormwatch report <REPORT\.json> --html FILE\n/);
  });

  it('is listed among the verbs', async () => {
    expect((await capture(['--help'])).stdout).toMatch(/\n {2}report {3}render a JSON report/);
  });

  it('asks for a report and for --html', async () => {
    expect(await capture(['report', '--html', 'out/r.html'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'stormwatch report: expected one JSON report, got none; see stormwatch report --help\n',
    });
    expect((await capture(['report', 'r.json'])).stderr).toBe(
      'stormwatch report: expected --html FILE, got nothing; see stormwatch report --help\n',
    );
  });

  it('names a missing report file', async () => {
    await withTempDir(async (dir) => {
      const result = await capture([
        'report',
        join(dir, 'missing.json'),
        '--html',
        join(dir, 'r.html'),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr.replaceAll(dir, '<dir>')).toBe(
        'stormwatch report: <dir>/missing.json: no such file\n',
      );
    });
  });

  it('names a folder given as the report', async () => {
    await withTempDir(async (dir) => {
      const result = await capture(['report', dir, '--html', join(dir, 'r.html')]);
      expect(result.stderr.replaceAll(dir, '<dir>')).toBe(
        'stormwatch report: <dir>: expected a JSON report, got a folder\n',
      );
    });
  });

  it('says in one line that a file is not JSON', async () => {
    const line = await errorFor('{"verdict": "pass",');
    expect(line).toMatch(/^stormwatch report: <dir>\/r\.json: not JSON \(.+\)\n$/);
  });

  it.each([
    ['an array', '[]', 'expected a JSON object, got an array'],
    [
      'an unknown verdict',
      fixtureWith((r) => (r.verdict = 'great')),
      'verdict: expected one of pass, threshold_failed, inconclusive, steady_state_not_met, error, interrupted, got "great"',
    ],
    [
      'no thresholds',
      fixtureWith((r) => delete r.thresholds),
      'thresholds: expected array, got nothing',
    ],
    [
      'a fault without a name',
      fixtureWith((r) => ((r.faults as Array<Record<string, unknown>>)[0]!.name = 7)),
      'faults[0].name: expected string, got a number',
    ],
    [
      'a malformed timeline',
      fixtureWith((r) => (r.timeline = { stepSeconds: '1' })),
      'timeline.stepSeconds: expected number, got a string',
    ],
  ])('names the first misfit field of a report with %s', async (_name, json, problem) => {
    expect(await errorFor(await json)).toBe(
      `stormwatch report: <dir>/r.json: not a stormwatch JSON report: ${problem}\n`,
    );
  });

  it('refuses an --html path that is a folder, before writing anything', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'page.html'));
      const result = await capture(['report', FIXTURE.pathname, '--html', join(dir, 'page.html')]);
      expect(result.code).toBe(1);
      expect(result.stderr.replaceAll(dir, '<dir>')).toBe(
        'stormwatch report: --html: expected a file, got the folder "<dir>/page.html"; see stormwatch report --help\n',
      );
    });
  });
});

describe('report folders', () => {
  it('makes a missing folder and says so on the line that names the file', async () => {
    await withTempDir(async (dir) => {
      const html = join(dir, 'ci', 'reports', 'r.html');
      const result = await capture(['report', FIXTURE.pathname, '--html', html]);
      expect(result.code).toBe(0);
      expect(result.stdout.replaceAll(dir, '<dir>')).toBe(
        'wrote <dir>/ci/reports/r.html (made the folder <dir>/ci)\n',
      );
      expect((await readFile(html, 'utf8')).startsWith('<!doctype html>')).toBe(true);
      // The folder is there now: nothing more to say.
      const again = await capture(['report', FIXTURE.pathname, '--html', html]);
      expect(again.stdout.replaceAll(dir, '<dir>')).toBe('wrote <dir>/ci/reports/r.html\n');
    });
  });
});

describe('report paths of run and sim', () => {
  it.each(['run', 'sim'])(
    '%s refuses an unwritable --html or --report before it starts',
    async (verb) => {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'file.txt'), '');
        const html = await capture([
          verb,
          'scenarios/proxy-down.yaml',
          '--html',
          join(dir, 'file.txt', 'r.html'),
        ]);
        expect(html.code).toBe(1);
        // Nothing ran: no header line.
        expect(html.stdout).toBe('');
        expect(html.stderr.replaceAll(dir, '<dir>')).toBe(
          `stormwatch ${verb}: --html: cannot write "<dir>/file.txt/r.html": "<dir>/file.txt" is a file, not a folder; see stormwatch ${verb} --help\n`,
        );
        const json = await capture([verb, 'scenarios/proxy-down.yaml', '--report', dir]);
        expect(json.stderr.replaceAll(dir, '<dir>')).toBe(
          `stormwatch ${verb}: --report: expected a file, got the folder "<dir>"; see stormwatch ${verb} --help\n`,
        );
      });
    },
  );
});
