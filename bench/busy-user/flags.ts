/** Command-line flags of the busy-user bench. */

/** The faults the bench knows, in the order they run. */
export const FAULT_NAMES = ['blackhole', 'latency', 'restart', 'reset-peer', 'proxy-down'] as const;

/** One of {@link FAULT_NAMES}. */
export type FaultName = (typeof FAULT_NAMES)[number];

/** Parsed flags, defaults applied. */
export interface BenchFlags {
  /** Fresh setups per fault (`--passes`). Default 2. */
  passes: number;
  /** Faults to run (`--faults a,b`), in {@link FAULT_NAMES} order. Default: all five. */
  faults: FaultName[];
  /** Publishing goes on this long after a fault ends (`--window S`), ms. Default 60 000. */
  windowMs: number;
  /** Where to write the raw results as JSON (`--json FILE`). Default: nowhere. */
  jsonFile: string | undefined;
  /** `--help` was given. */
  help: boolean;
}

/** A bad command line; `message` is the one line to print. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** Usage text for `--help`. */
export const USAGE = `usage: node --import tsx bench/busy-user/faults.ts [flags]
  --passes N      fresh setups per fault (default 2)
  --faults a,b    subset of ${FAULT_NAMES.join(', ')} (default all)
  --window S      seconds of publishing after each fault ends (default 60)
  --json FILE     write the raw results as JSON
  --help          this text`;

const isFaultName = (value: string): value is FaultName =>
  (FAULT_NAMES as readonly string[]).includes(value);

function parsePositive(flag: string, raw: string, integer: boolean): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new FlagError(`${flag}: expected a positive number, got "${raw}"`);
  }
  if (integer && !Number.isInteger(value)) {
    throw new FlagError(`${flag}: expected a positive integer, got "${raw}"`);
  }
  return value;
}

function parseFaults(raw: string): FaultName[] {
  const wanted = new Set<FaultName>();
  for (const name of raw.split(',').map((part) => part.trim())) {
    if (!isFaultName(name)) {
      throw new FlagError(
        `--faults: unknown fault "${name}" (expected a comma list of ${FAULT_NAMES.join(', ')})`,
      );
    }
    wanted.add(name);
  }
  // Run in the canonical order whatever order was typed, so two builds' tables line up.
  return FAULT_NAMES.filter((name) => wanted.has(name));
}

/** Parses `argv` (without node and the script). Throws {@link FlagError} on bad input. */
export function parseFlags(argv: readonly string[]): BenchFlags {
  const flags: BenchFlags = {
    passes: 2,
    faults: [...FAULT_NAMES],
    windowMs: 60_000,
    jsonFile: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      flags.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!['--passes', '--faults', '--window', '--json'].includes(flag)) {
      throw new FlagError(`unknown argument "${arg}" (try --help)`);
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new FlagError(`${flag}: missing value`);
    if (flag === '--passes') flags.passes = parsePositive(flag, value, true);
    else if (flag === '--faults') flags.faults = parseFaults(value);
    else if (flag === '--window') flags.windowMs = parsePositive(flag, value, false) * 1000;
    else flags.jsonFile = value;
  }
  return flags;
}
