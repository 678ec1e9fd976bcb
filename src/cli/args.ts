import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI usage error: printed as one line, exit code 1. */
export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses flags strictly; unknown flags and missing values become a {@link UsageError}. */
export function parseFlags<O extends Options>(
  verb: string,
  argv: string[],
  options: O,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${verb}: ${message.split('\n')[0] ?? message}`);
  }
}

/** Reads an integer flag within [min, max], or the fallback when absent. */
export function readIntFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name}: expected an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new UsageError(`--${name}: expected ${min}..${max}, got ${value}`);
  }
  return value;
}
