import { describe, expect, it } from 'vitest';
import {
  createClient,
  createMemoryTransport,
  SimulatedClock,
  type GapEvent,
  type StateChange,
} from '../../src/client/index.js';
import { addAlert, addGap, createAlertFeed } from '../../src/health-view/alert-feed.js';
import { announcement, badgeModel, type BadgeInput } from '../../src/health-view/badge.js';
import {
  formatWindowParam,
  parseViewParams,
  parseWindow,
  timingOptions,
} from '../../src/health-view/params.js';
import { createReplayTracker } from '../../src/health-view/replay-tracker.js';
import { createCachedTokenProvider, readTokenClaims } from '../../src/health-view/token.js';
import type { BreachAlertMessage } from '../../src/protocol/index.js';
import { signToken } from '../../src/server/index.js';
import { SECRET } from '../helpers/server.js';

const T0 = Date.UTC(2025, 0, 1, 12);

const change = (over: Partial<StateChange>): StateChange => ({
  from: 'connected',
  to: 'reconnecting',
  reason: 'close',
  attempt: 1,
  at: T0,
  ...over,
});

const badge = (over: Partial<BadgeInput>) =>
  badgeModel({
    state: 'connected',
    quality: 'good',
    attempt: 0,
    maxAttempts: 10,
    change: undefined,
    now: T0,
    ...over,
  });

describe('badgeModel', () => {
  it('tells every state apart by text and icon shape, not colour alone', () => {
    const models = [
      badge({}),
      badge({ quality: 'poor' }),
      badge({ state: 'connecting', quality: undefined }),
      badge({ state: 'reconnecting', quality: undefined, attempt: 3 }),
      badge({ state: 'disconnected', quality: undefined }),
      badge({ state: 'failed', quality: undefined }),
    ];
    expect(models.map((m) => [m.tone, m.icon, m.label, m.pulse, m.canReconnect])).toEqual([
      ['ok', '●', 'Connected', true, false],
      ['warn', '▲', 'Poor connection', false, false],
      ['info', '↻', 'Connecting…', false, false],
      ['info', '↻', 'Reconnecting…', false, false],
      ['bad', '■', 'Disconnected', false, true],
      ['bad', '✕', 'Failed', false, true],
    ]);
  });

  it('counts down to the next attempt and names the retry budget', () => {
    const model = badge({
      state: 'reconnecting',
      attempt: 3,
      change: change({ attempt: 3, delayMs: 4_000, at: T0 }),
      now: T0 + 1_500,
    });
    expect(model.detail).toBe('attempt 3 of 10 · next try in 2.5 s');
    expect(badge({ state: 'connecting', attempt: 4, maxAttempts: Infinity }).detail).toBe(
      'attempt 4 · trying now',
    );
    // Short jittered delays fit more attempts than the spec's ten into the retry budget.
    expect(badge({ state: 'connecting', attempt: 12 }).detail).toBe('attempt 12 · trying now');
  });

  it('says why the connection ended', () => {
    expect(
      badge({
        state: 'failed',
        change: change({ to: 'failed', reason: 'max-attempts', attempt: 13 }),
      }).detail,
    ).toBe('Gave up after 13 reconnect attempts.');
    expect(
      badge({ state: 'disconnected', change: change({ to: 'disconnected', reason: 'forbidden' }) })
        .detail,
    ).toBe('The server refused this user (forbidden); check the token.');
  });

  it('announces losses and recoveries but not every retry', () => {
    expect(announcement(change({ attempt: 2 }), 10)).toBe(
      'Connection lost. Reconnecting, attempt 2 of 10.',
    );
    expect(announcement(change({ to: 'connected', reason: 'open' }), 10)).toBe(
      'Connected. Receiving alerts live.',
    );
    expect(announcement(change({ to: 'connecting', reason: 'retry' }), 10)).toBeUndefined();
  });
});

describe('parseViewParams', () => {
  it('reads client timings, the feed and the panel state', () => {
    const params = parseViewParams(
      '?initialDelayMs=100&maxDelayMs=400&multiplier=1.5&maxAttempts=3&jitter=none&pingIntervalMs=0' +
        '&pongTimeoutMs=500&connectTimeoutMs=2000&minUptimeMs=0&feed=http%3A%2F%2F127.0.0.1%3A9464%2Ffeed&panel=closed&user=alice',
    );
    expect(params.problems).toEqual([]);
    expect(params.feed).toBe('http://127.0.0.1:9464/feed');
    expect(params.user).toBe('alice');
    expect(params.panelOpen).toBe(false);
    expect(timingOptions(params.timings)).toEqual({
      backoff: {
        initialDelayMs: 100,
        maxDelayMs: 400,
        multiplier: 1.5,
        maxAttempts: 3,
        jitter: 'none',
        minUptimeMs: 0,
      },
      heartbeat: { intervalMs: 0, pongTimeoutMs: 500 },
      connectTimeoutMs: 2000,
    });
  });

  it('ignores bad values with a message naming what was expected and what arrived', () => {
    const params = parseViewParams(
      '?initialDelayMs=-5&maxAttempts=Infinity&jitter=wild&feed=javascript:alert(1)&panel=x',
    );
    expect(params.timings).toEqual({ maxAttempts: Infinity });
    expect(params.feed).toBeUndefined();
    expect(params.panelOpen).toBe(true);
    expect(params.problems).toEqual([
      'initialDelayMs: expected an integer within 1..3600000, got "-5"',
      'jitter: expected one of none, full, equal, decorrelated, got "wild"',
      'panel: expected open or closed, got "x"',
      'feed: expected an absolute http(s) or ws(s) URL, got "javascript:alert(1)"',
    ]);
    expect(parseViewParams('').timings).toEqual({});
  });

  it('reads the window the panel covers: 24 h unless ?window= names 10s..24h', () => {
    expect(parseViewParams('').windowMs).toBe(24 * 3_600_000);
    expect(parseViewParams('?window=15m').windowMs).toBe(15 * 60_000);
    expect(parseViewParams('?window=1h').windowMs).toBe(3_600_000);
    expect(parseViewParams('?window=30s').windowMs).toBe(30_000);
    for (const bad of ['2d', '25h', '5s', '15', '1.5h', '-1m']) {
      const params = parseViewParams(`?window=${bad}`);
      expect(params.windowMs).toBe(24 * 3_600_000);
      expect(params.problems).toEqual([
        `window: expected a whole number of s, m or h within 10s..24h (e.g. 15m), got "${bad}"`,
      ]);
    }
    expect([86_400_000, 5_400_000, 60_000, 30_000].map(formatWindowParam)).toEqual([
      '24h',
      '90m',
      '1m',
      '30s',
    ]);
    expect(parseWindow(formatWindowParam(5_400_000))).toBe(5_400_000);
  });
});

const alert = (seq: number, id = `id-${seq}`): BreachAlertMessage => ({
  type: 'breach_alert',
  seq,
  id,
  userId: 'u',
  severity: 'HIGH',
  title: `alert ${seq}`,
  source: 's',
  detectedAt: new Date(T0).toISOString(),
  publishedAt: new Date(T0).toISOString(),
});

describe('alert feed', () => {
  it('lists newest first, each alert once, marks replays and gaps, and stays bounded', () => {
    let feed = createAlertFeed();
    feed = addAlert(feed, alert(1), false);
    feed = addAlert(feed, alert(2), true);
    feed = addAlert(feed, alert(2), true);
    const gap: GapEvent = { kind: 'resume-gap', missed: 3, lastSeq: 2, epoch: 'e', at: T0 };
    feed = addGap(feed, gap);
    feed = addAlert(feed, alert(6), false, 3);
    expect(
      feed.items.map((i) => (i.kind === 'alert' ? `${i.seq}${i.replayed ? 'r' : ''}` : i.text)),
    ).toEqual(['6', 'Gap detected: 3 alerts missed; the server no longer holds them', '2r']);
    expect([feed.received, feed.replayed, feed.gaps]).toEqual([3, 1, 1]);
    expect(
      addGap(createAlertFeed(), {
        kind: 'history-reset',
        previousEpoch: 'a',
        epoch: 'b',
        lastSeq: 9,
        at: T0,
      }).items[0],
    ).toMatchObject({
      missed: undefined,
      text: expect.stringMatching(/history was reset after #9/),
    });
    expect(
      addGap(createAlertFeed(), {
        kind: 'history-reset',
        previousEpoch: 'a',
        epoch: 'b',
        lastSeq: 0,
        at: T0,
      }).items[0],
    ).toMatchObject({
      text: 'Gap detected: the server’s alert history was reset; alerts published meanwhile may be lost',
    });
  });
});

describe('replay tracker', () => {
  it('marks the alerts a client gets between hello and resumed as replayed, later ones as live', () => {
    const { transport, server } = createMemoryTransport();
    const tracker = createReplayTracker(transport);
    const client = createClient({
      url: 'ws://127.0.0.1:1',
      userId: 'u',
      transport: tracker.transport,
      clock: new SimulatedClock(T0),
      environment: null,
    });
    const seen: string[] = [];
    client.on('alert', (a) =>
      seen.push(`${a.seq}${tracker.takeReplayed(a.id) ? ' replayed' : ' live'}`),
    );
    client.connect();
    const connection = server.connections.at(-1)!;
    connection.accept();
    connection.send({
      type: 'hello',
      connectionId: 'c',
      epoch: 'e',
      serverTime: T0,
      heartbeat: { intervalMs: 30_000, timeoutMs: 10_000 },
    });
    connection.send(alert(1, 'a'));
    connection.send(alert(2, 'b'));
    connection.send({ type: 'resumed', replayed: 2, gap: false, missed: 0 });
    connection.send(alert(3, 'c'));
    connection.send(alert(3, 'c')); // a duplicate the client drops
    expect(seen).toEqual(['1 replayed', '2 replayed', '3 live']);
    client.dispose();
  });
});

describe('tokens', () => {
  it('reads sub and exp without verifying, and rejects what is not a JWT', async () => {
    const token = await signToken({ sub: 'alice', expiresInS: 60, nowMs: T0 }, SECRET);
    expect(readTokenClaims(token)).toEqual({ sub: 'alice', expiresAtMs: T0 + 60_000 });
    expect(readTokenClaims('not-a-token')).toBeUndefined();
    expect(readTokenClaims('a.b.c')).toBeUndefined();
  });

  it('reuses a demo token until shortly before it expires or is invalidated', async () => {
    const clock = new SimulatedClock(T0);
    let fetched = 0;
    const grant = (n: number) => ({
      token: `t${n}`,
      userId: 'demo',
      expiresAtMs: clock.now() + 300_000,
    });
    const provider = createCachedTokenProvider(grant(0), async () => grant(++fetched), clock);
    expect(await provider.getToken()).toBe('t0');
    clock.advance(269_000);
    expect(await provider.getToken()).toBe('t0');
    clock.advance(2_000); // within 30 s of expiry
    expect(await provider.getToken()).toBe('t1');
    provider.invalidate();
    expect(await provider.getToken()).toBe('t2');
  });
});
