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
  /** While long-polling, how often WebSocket is tried again. */
  probeIntervalMs?: number;
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
  /** What the health panel covers (`?window=15m`), ms; default 24 h. */
  windowMs: number;
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
  ['probeIntervalMs', 1, 3_600_000, true],
];

/** The window the health panel covers unless `?window=` says otherwise: 24 hours, ms. */
export const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The shortest and longest `?window=`, ms: the client keeps 24 h of timeline. */
export const WINDOW_RANGE_MS: readonly [number, number] = [10_000, DEFAULT_WINDOW_MS];

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A window as written in the URL (`30s`, `15m`, `24h`) in ms; undefined when it is not a whole
 * number of seconds, minutes or hours within {@link WINDOW_RANGE_MS}.
 */
export function parseWindow(raw: string): number | undefined {
  const match = /^(\d{1,6})([smh])$/.exec(raw);
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms >= WINDOW_RANGE_MS[0] && ms <= WINDOW_RANGE_MS[1] ? ms : undefined;
}

/** The URL form of a window, in its largest whole unit: `24h`, `90m`, `30s`. */
export function formatWindowParam(ms: number): string {
  if (ms % UNIT_MS.h! === 0) return `${ms / UNIT_MS.h!}h`;
  if (ms % UNIT_MS.m! === 0) return `${ms / UNIT_MS.m!}m`;
  return `${Math.round(ms / UNIT_MS.s!)}s`;
}

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
 * Parameters: `server`, `user`, `feed`, `panel=closed`, `window` (`15m`, `1h`, `24h`: what
 * the health panel and its strip cover, 10s..24h, default 24h), and the client timings
 * `initialDelayMs`, `maxDelayMs`, `multiplier`, `maxAttempts` (`Infinity` allowed), `jitter`
 * (none | full | equal | decorrelated), `minUptimeMs`, `pingIntervalMs` (0 disables),
 * `pongTimeoutMs`, `connectTimeoutMs`, and `probeIntervalMs` (how often a page on the
 * long-polling fallback tries WebSocket again).
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
  const window = query.get('window');
  let windowMs = DEFAULT_WINDOW_MS;
  if (window !== null && window !== '') {
    const parsed = parseWindow(window);
    if (parsed === undefined) {
      problems.push(
        `window: expected a whole number of s, m or h within 10s..24h (e.g. 15m), got ${JSON.stringify(window)}`,
      );
    } else windowMs = parsed;
  }
  return {
    server: readUrl(query.get('server'), 'server', problems),
    user: user === null || user === '' ? undefined : user,
    feed: readUrl(query.get('feed'), 'feed', problems),
    panelOpen: panel !== 'closed',
    windowMs,
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
