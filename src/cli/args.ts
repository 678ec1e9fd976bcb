import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI usage error: printed as one line with a pointer to the verb's `--help`, exit code 1. */
export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses flags strictly. Unknown flags, missing values and values given to switches become a
 * {@link UsageError} naming the flag; a value that starts with "-" is taken when it is a number
 * (`--clients -1` then fails as a bad number, not as an option), else it counts as a missing value.
 */
export function parseFlags<O extends Options>(
  verb: string,
  argv: string[],
  options: O,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
> {
  const { tokens } = parseArgs({
    args: argv,
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const normalized: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') normalized.push('--');
    else if (token.kind === 'positional') normalized.push(token.value);
    else normalized.push(normalizeOption(verb, token, options));
  }
  try {
    return parseArgs({ args: normalized, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${verb}: ${message.split('\n')[0] ?? message}`);
  }
}

interface OptionToken {
  name: string;
  rawName: string;
  value?: string | undefined;
  inlineValue?: boolean | undefined;
}

/** The option as `--name=value` (or `--name` for a switch), or the usage error it is. */
function normalizeOption(verb: string, token: OptionToken, options: Options): string {
  const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
  if (spec === undefined)
    throw new UsageError(`${verb}: unknown option ${quoteFlag(token.rawName)}`);
  if (spec.type === 'boolean') {
    if (token.inlineValue === true) {
      throw new UsageError(
        `${token.rawName}: takes no value, got ${quoteValue(token.value ?? '')}`,
      );
    }
    return `--${token.name}`;
  }
  const value = token.value;
  if (value === undefined) throw new UsageError(`${token.rawName}: expected a value, got nothing`);
  if (token.inlineValue !== true && value.startsWith('-') && !/^-\.?\d/.test(value)) {
    throw new UsageError(
      `${token.rawName}: expected a value, got the option ${quoteFlag(value)} ` +
        `(write ${token.rawName}=VALUE for a value that starts with "-")`,
    );
  }
  return `--${token.name}=${value}`;
}

const MAX_QUOTED = 40;

/** `raw` in double quotes, cut to 40 characters: an error never echoes a whole argument back. */
export function quoteValue(raw: string): string {
  return JSON.stringify(raw.length > MAX_QUOTED ? `${raw.slice(0, MAX_QUOTED)}…` : raw);
}

function quoteFlag(raw: string): string {
  return raw.length > MAX_QUOTED ? `${raw.slice(0, MAX_QUOTED)}…` : raw;
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
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(
      `--${name}: expected an integer within ${min}..${max}, got ${quoteValue(raw)}`,
    );
  }
  return value;
}
