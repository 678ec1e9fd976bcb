import { JITTER_MODES, type ClientOptions, type JitterMode } from '../client/index.js';

/** Client timings the page takes from its URL (for tests and demos); unset ones keep defaults. */
export interface ViewTimings {
  initialDelayMs?: number;
  maxDelayMs?: number;
  multiplier?: number;
  maxAttempts?: number;
  jitter?: JitterMode;
  minUptimeMs?: number;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** What the page's URL asks for. */
export interface ViewParams {
  /** Alert server base URL (`?server=`); default the page's own origin. */
  server: string | undefined;
  /** User id (`?user=`); default the token's `sub`. */
  user: string | undefined;
  /** Runner live feed URL (`?feed=`), an SSE endpoint; the fleet panel shows only with it. */
  feed: string | undefined;
  /** Start with the health panel collapsed (`?panel=closed`). */
  panelOpen: boolean;
  timings: ViewTimings;
  /** One line per parameter that was ignored, naming what was expected and what arrived. */
  problems: string[];
}

/** Numeric timing parameters: name, smallest and largest accepted value, integer only. */
const NUMBERS: ReadonlyArray<[keyof Omit<ViewTimings, 'jitter'>, number, number, boolean]> = [
  ['initialDelayMs', 1, 3_600_000, true],
  ['maxDelayMs', 1, 3_600_000, true],
  ['multiplier', 1, 100, false],
  ['maxAttempts', 0, 1_000_000, true],
  ['minUptimeMs', 0, 3_600_000, true],
  ['pingIntervalMs', 0, 3_600_000, true],
  ['pongTimeoutMs', 1, 3_600_000, true],
  ['connectTimeoutMs', 1, 3_600_000, true],
];

function readUrl(raw: string | null, name: string, problems: string[]): string | undefined {
  if (raw === null || raw === '') return undefined;
  try {
    const url = new URL(raw);
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return url.toString();
  } catch {
    // Reported below.
  }
  problems.push(`${name}: expected an absolute http(s) or ws(s) URL, got ${JSON.stringify(raw)}`);
  return undefined;
}

/**
 * Reads the page's query string. Bad values are reported in `problems` and ignored, so a typo
 * never stops the page from connecting with defaults.
 *
 * Parameters: `server`, `user`, `feed`, `panel=closed`, and the client timings
 * `initialDelayMs`, `maxDelayMs`, `multiplier`, `maxAttempts` (`Infinity` allowed), `jitter`
 * (none | full | equal | decorrelated), `minUptimeMs`, `pingIntervalMs` (0 disables),
 * `pongTimeoutMs`, `connectTimeoutMs`.
 */
export function parseViewParams(search: string): ViewParams {
  const query = new URLSearchParams(search);
  const problems: string[] = [];
  const timings: ViewTimings = {};
  for (const [name, min, max, integer] of NUMBERS) {
    const raw = query.get(name);
    if (raw === null || raw === '') continue;
    if (name === 'maxAttempts' && raw === 'Infinity') {
      timings.maxAttempts = Number.POSITIVE_INFINITY;
      continue;
    }
    const value = Number(raw);
    if (
      !/^\d+(\.\d+)?$/.test(raw) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      problems.push(
        `${name}: expected ${integer ? 'an integer' : 'a number'} within ${min}..${max}, got ${JSON.stringify(raw)}`,
      );
      continue;
    }
    timings[name] = value;
  }
  const jitter = query.get('jitter');
  if (jitter !== null && jitter !== '') {
    if ((JITTER_MODES as readonly string[]).includes(jitter)) timings.jitter = jitter as JitterMode;
    else
      problems.push(
        `jitter: expected one of ${JITTER_MODES.join(', ')}, got ${JSON.stringify(jitter)}`,
      );
  }
  const user = query.get('user');
  const panel = query.get('panel');
  if (panel !== null && panel !== 'open' && panel !== 'closed') {
    problems.push(`panel: expected open or closed, got ${JSON.stringify(panel)}`);
  }
  return {
    server: readUrl(query.get('server'), 'server', problems),
    user: user === null || user === '' ? undefined : user,
    feed: readUrl(query.get('feed'), 'feed', problems),
    panelOpen: panel !== 'closed',
    timings,
    problems,
  };
}

/** The client options the timings stand for (only the ones given). */
export function timingOptions(
  timings: ViewTimings,
): Pick<ClientOptions, 'backoff' | 'heartbeat' | 'connectTimeoutMs'> {
  const backoff: NonNullable<ClientOptions['backoff']> = {};
  if (timings.initialDelayMs !== undefined) backoff.initialDelayMs = timings.initialDelayMs;
  if (timings.maxDelayMs !== undefined) backoff.maxDelayMs = timings.maxDelayMs;
  if (timings.multiplier !== undefined) backoff.multiplier = timings.multiplier;
  if (timings.maxAttempts !== undefined) backoff.maxAttempts = timings.maxAttempts;
  if (timings.jitter !== undefined) backoff.jitter = timings.jitter;
  if (timings.minUptimeMs !== undefined) backoff.minUptimeMs = timings.minUptimeMs;
  const heartbeat: NonNullable<ClientOptions['heartbeat']> = {};
  if (timings.pingIntervalMs !== undefined) heartbeat.intervalMs = timings.pingIntervalMs;
  if (timings.pongTimeoutMs !== undefined) heartbeat.pongTimeoutMs = timings.pongTimeoutMs;
  return {
    backoff,
    heartbeat,
    ...(timings.connectTimeoutMs === undefined
      ? {}
      : { connectTimeoutMs: timings.connectTimeoutMs }),
  };
}
