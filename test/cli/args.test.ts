import { describe, expect, it } from 'vitest';
import { parseFlags, readIntFlag, UsageError } from '../../src/cli/args.js';

const OPTIONS = {
  clients: { type: 'string' },
  'time-scale': { type: 'string' },
  report: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usageErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseFlags', () => {
  it('reads values, switches and positionals as parseArgs does', () => {
    const { values, positionals } = parseFlags(
      'run',
      ['a.yaml', '--clients', '5', '--time-scale=0.1', '-h', '--quiet', '--', '--b.yaml'],
      OPTIONS,
    );
    expect(values).toMatchObject({ clients: '5', 'time-scale': '0.1', help: true, quiet: true });
    expect(positionals).toEqual(['a.yaml', '--b.yaml']);
  });

  it('takes a negative number as the value, so `--clients -1` fails as a bad number', () => {
    const { values } = parseFlags('run', ['--clients', '-1', '--time-scale', '-1'], OPTIONS);
    expect(values).toMatchObject({ clients: '-1', 'time-scale': '-1' });
    expect(usageErrorOf(() => readIntFlag('clients', values.clients, 0, 1, 100_000))).toBe(
      '--clients: expected an integer within 1..100000, got "-1"',
    );
  });

  it('names an unknown option instead of Node’s message', () => {
    expect(usageErrorOf(() => parseFlags('run', ['a.yaml', '--foo'], OPTIONS))).toBe(
      'run: unknown option --foo',
    );
    expect(usageErrorOf(() => parseFlags('run', ['--foo=bar'], OPTIONS))).toBe(
      'run: unknown option --foo',
    );
  });

  it('says what arrived for a missing value, an option as value, and a value for a switch', () => {
    expect(usageErrorOf(() => parseFlags('run', ['--report'], OPTIONS))).toBe(
      '--report: expected a value, got nothing',
    );
    expect(usageErrorOf(() => parseFlags('run', ['--report', '--quiet'], OPTIONS))).toBe(
      '--report: expected a value, got the option --quiet (write --report=VALUE for a value that starts with "-")',
    );
    expect(usageErrorOf(() => parseFlags('run', ['--quiet=yes'], OPTIONS))).toBe(
      '--quiet: takes no value, got "yes"',
    );
  });

  it('quotes at most 40 characters of what arrived', () => {
    const message = usageErrorOf(() => readIntFlag('seed', 'x'.repeat(10_000), 0, 0, 9));
    expect(message).toBe(`--seed: expected an integer within 0..9, got "${'x'.repeat(40)}…"`);
  });
});
