// What the dashboard takes from its query string. Bad values are listed in `problems` and
// ignored, so a typo never stops the page from connecting with defaults.
import type { BackoffOptions, HeartbeatOptions, JitterMode } from '../../src/client/index.js';

/** The page's settings. */
export interface DashboardParams {
  /** Alert server base URL (`?server=`); default the page's own origin when it is http(s). */
  server: string | undefined;
  /** User id (`?user=`); default the token's `sub`. */
  user: string | undefined;
  /** A user JWT (`?token=`); the page needs one. */
  token: string | undefined;
  /** Window of the health strip and stats (`?window=`, ms). Default 24 h. */
  windowMs: number;
  /** How long toasts stay (`?toastMs=`, ms). Default: the component's (8 s). */
  toastMs: number | undefined;
  backoff: Partial<BackoffOptions>;
  heartbeat: Partial<HeartbeatOptions>;
  /** One line per ignored parameter: what was expected and what arrived. */
  problems: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const JITTERS: readonly JitterMode[] = ['none', 'full', 'equal', 'decorrelated'];

type NumberParam =
  | 'initialDelayMs'
  | 'maxDelayMs'
  | 'multiplier'
  | 'maxAttempts'
  | 'minUptimeMs'
  | 'pingIntervalMs'
  | 'pongTimeoutMs'
  | 'window'
  | 'toastMs';

/** Name, smallest and largest accepted value, integer only. */
const NUMBERS: ReadonlyArray<[NumberParam, number, number, boolean]> = [
  ['initialDelayMs', 1, 3_600_000, true],
  ['maxDelayMs', 1, 3_600_000, true],
  ['multiplier', 1, 100, false],
  ['maxAttempts', 0, 1_000_000, true],
  ['minUptimeMs', 0, 3_600_000, true],
  ['pingIntervalMs', 0, 3_600_000, true],
  ['pongTimeoutMs', 1, 3_600_000, true],
  ['window', 1000, 7 * DAY_MS, true],
  ['toastMs', 1, 3_600_000, true],
];

function readServer(raw: string | null, origin: string, problems: string[]): string | undefined {
  const fallback = /^https?:/.test(origin) ? origin : undefined;
  if (raw === null || raw === '') return fallback;
  try {
    const url = new URL(raw);
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return url.toString();
  } catch {
    // Reported below.
  }
  problems.push(`server: expected an absolute http(s) or ws(s) URL, got ${JSON.stringify(raw)}`);
  return fallback;
}

/** Reads `search` (`location.search`); `origin` is the page's (`location.origin`). */
export function parseDashboardParams(search: string, origin: string): DashboardParams {
  const query = new URLSearchParams(search);
  const problems: string[] = [];
  const numbers: Partial<Record<NumberParam, number>> = {};
  for (const [name, min, max, integer] of NUMBERS) {
    const raw = query.get(name);
    if (raw === null || raw === '') continue;
    if (name === 'maxAttempts' && raw === 'Infinity') {
      numbers.maxAttempts = Number.POSITIVE_INFINITY;
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
    numbers[name] = value;
  }

  const backoff: Partial<BackoffOptions> = {};
  if (numbers.initialDelayMs !== undefined) backoff.initialDelayMs = numbers.initialDelayMs;
  if (numbers.maxDelayMs !== undefined) backoff.maxDelayMs = numbers.maxDelayMs;
  if (numbers.multiplier !== undefined) backoff.multiplier = numbers.multiplier;
  if (numbers.maxAttempts !== undefined) backoff.maxAttempts = numbers.maxAttempts;
  if (numbers.minUptimeMs !== undefined) backoff.minUptimeMs = numbers.minUptimeMs;
  const jitter = query.get('jitter');
  if (jitter !== null && jitter !== '') {
    const mode = JITTERS.find((candidate) => candidate === jitter);
    if (mode === undefined) {
      problems.push(`jitter: expected one of ${JITTERS.join(', ')}, got ${JSON.stringify(jitter)}`);
    } else backoff.jitter = mode;
  }
  const heartbeat: Partial<HeartbeatOptions> = {};
  if (numbers.pingIntervalMs !== undefined) heartbeat.intervalMs = numbers.pingIntervalMs;
  if (numbers.pongTimeoutMs !== undefined) heartbeat.pongTimeoutMs = numbers.pongTimeoutMs;

  const text = (name: string): string | undefined => {
    const raw = query.get(name)?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  return {
    server: readServer(query.get('server'), origin, problems),
    user: text('user'),
    token: text('token'),
    windowMs: numbers.window ?? DAY_MS,
    toastMs: numbers.toastMs,
    backoff,
    heartbeat,
    problems,
  };
}

/**
 * `sub` and `exp` (epoch ms) of a compact JWT, read without verifying it (the server does) to
 * name the user; undefined for anything that is not a JWT with a string `sub`.
 */
export function readTokenClaims(
  token: string,
): { sub: string; expiresAtMs: number | undefined } | undefined {
  const part = token.split('.')[1];
  if (part === undefined || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = globalThis.atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const payload = JSON.parse(json) as { sub?: unknown; exp?: unknown };
    if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    return {
      sub: payload.sub,
      expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
    };
  } catch {
    return undefined;
  }
}
