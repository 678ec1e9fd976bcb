import { describe, expect, it } from 'vitest';
import { parseDashboardParams, readTokenClaims } from '../../examples/react-dashboard/params.js';

const ORIGIN = 'http://127.0.0.1:5173';

describe('the React dashboard example’s query string', () => {
  it('reads the server, token, client timings and window', () => {
    const params = parseDashboardParams(
      '?server=http://127.0.0.1:8080&user=demo&token=a.b.c&maxAttempts=3&initialDelayMs=300&jitter=none&minUptimeMs=0&pingIntervalMs=5000&window=120000&toastMs=4000',
      ORIGIN,
    );
    expect(params).toEqual({
      server: 'http://127.0.0.1:8080/',
      user: 'demo',
      token: 'a.b.c',
      windowMs: 120_000,
      toastMs: 4000,
      backoff: { maxAttempts: 3, initialDelayMs: 300, jitter: 'none', minUptimeMs: 0 },
      heartbeat: { intervalMs: 5000 },
      problems: [],
    });
  });

  it('falls back to the page origin and a 24 h window, and lists what it ignored', () => {
    const params = parseDashboardParams('?maxAttempts=-1&jitter=wild&server=ftp://x', ORIGIN);
    expect(params.server).toBe(ORIGIN);
    expect(params.windowMs).toBe(24 * 60 * 60 * 1000);
    expect(params.backoff).toEqual({});
    expect(params.problems).toEqual([
      'maxAttempts: expected an integer within 0..1000000, got "-1"',
      'jitter: expected one of none, full, equal, decorrelated, got "wild"',
      'server: expected an absolute http(s) or ws(s) URL, got "ftp://x"',
    ]);
    expect(parseDashboardParams('?maxAttempts=Infinity', 'null').backoff.maxAttempts).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(parseDashboardParams('', 'null').server).toBeUndefined();
  });

  it('reads sub and exp from a JWT without verifying it', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'zoë', exp: 1_700_000_000 })).toString(
      'base64url',
    );
    expect(readTokenClaims(`e30.${payload}.sig`)).toEqual({
      sub: 'zoë',
      expiresAtMs: 1_700_000_000_000,
    });
    expect(readTokenClaims('not-a-jwt')).toBeUndefined();
  });
});
