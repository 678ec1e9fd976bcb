import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';

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
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

describe('stormwatch', () => {
  it('prints the package version for --version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(await capture(['--version'])).toEqual({
      code: 0,
      stdout: `${pkg.version}\n`,
      stderr: '',
    });
  });

  it('answers `--clients -1` by naming the flag, what arrived and where help is', async () => {
    expect(await capture(['run', 'scenarios/steady.yaml', '--clients', '-1'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'stormwatch run: --clients: expected an integer within 1..100000, got "-1"; see stormwatch run --help\n',
    });
    const scale = await capture(['sim', 'scenarios/steady.yaml', '--time-scale', '-1']);
    expect(scale.stderr).toBe(
      'stormwatch sim: --time-scale: expected a number within 0.001..100, got "-1"; see stormwatch sim --help\n',
    );
  });

  it('names an unknown option and points to the verb’s help', async () => {
    expect(await capture(['run', 'scenarios/steady.yaml', '--foo'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'stormwatch run: unknown option --foo; see stormwatch run --help\n',
    });
    const top = await capture(['--foo']);
    expect(top.code).toBe(1);
    expect(top.stderr).toMatch(
      /^stormwatch: unknown option "--foo" \(expected serve, .*\); see stormwatch --help\n$/,
    );
  });
});
