import { describe, expect, it } from 'vitest';
import {
  computeStats,
  percentile,
  summarize,
  type Sample,
  type TimelineEntry,
} from '../../src/client/index.js';
import { createHarness, T0 } from './helpers.js';

// A scripted day in the life of a client (ms since 0), with the numbers worked out by hand below.
const entries: TimelineEntry[] = [
  { at: 0, kind: 'connecting', reason: 'connect', attempt: 0 },
  { at: 1000, kind: 'connected', reason: 'open', attempt: 0 },
  { at: 31_000, kind: 'reconnecting', reason: 'close', attempt: 1, closeCode: 1006, delayMs: 1000 },
  { at: 32_000, kind: 'connecting', reason: 'retry', attempt: 1 },
  { at: 33_000, kind: 'reconnecting', reason: 'close', attempt: 2, delayMs: 2000 },
  { at: 35_000, kind: 'connecting', reason: 'retry', attempt: 2 },
  { at: 36_000, kind: 'connected', reason: 'open', attempt: 2 },
  { at: 40_000, kind: 'poor' },
  { at: 45_000, kind: 'good' },
  {
    at: 60_000,
    kind: 'reconnecting',
    reason: 'heartbeat-timeout',
    attempt: 1,
    detectionMs: 30_000,
  },
  { at: 61_000, kind: 'connecting', reason: 'retry', attempt: 1 },
  { at: 63_000, kind: 'connected', reason: 'open', attempt: 1 },
  { at: 80_000, kind: 'disconnected', reason: 'client', attempt: 0 },
  { at: 90_000, kind: 'connecting', reason: 'connect', attempt: 0 },
  { at: 90_500, kind: 'connected', reason: 'open', attempt: 0 },
];
const rtt: Sample[] = [
  { at: -1, value: 9999 }, // before the window
  ...Array.from({ length: 20 }, (_, i) => ({ at: 2000 + i * 1000, value: (i + 1) * 10 })),
];
const NOW = 100_000;

describe('computeStats on a scripted timeline', () => {
  it('matches hand-computed numbers over the whole 100 s', () => {
    const stats = computeStats({ entries, baseline: undefined, rtt }, 100_000, NOW);
    // Up: 1–31 s (30 000) + 36–60 s (24 000) + 63–80 s (17 000) + 90.5–100 s (9 500).
    // Down: 0–1 s + 31–36 s + 60–63 s + 90–90.5 s = 9 500. 80–90 s was idle by choice.
    expect(stats).toMatchObject({
      from: 0,
      to: NOW,
      uptimeMs: 80_500,
      downtimeMs: 9_500,
      observedMs: 90_000,
      attempts: 5,
      successfulAttempts: 4,
      failedAttempts: 1,
      successRate: 0.8,
      disconnections: 2,
    });
    expect(stats.uptimeRatio).toBeCloseTo(80_500 / 90_000, 12);
    // Reconnects: 31 → 36 s and 60 → 63 s; the app's connect at 90 s is not a reconnect.
    expect(stats.reconnectMs).toEqual({ count: 2, avg: 4000, p50: 3000, p95: 5000, max: 5000 });
    expect(stats.detectionMs).toEqual({
      count: 1,
      avg: 30_000,
      p50: 30_000,
      p95: 30_000,
      max: 30_000,
    });
    // RTTs 10..200 ms: nearest rank p50 = 10th = 100, p95 = 19th = 190.
    expect(stats.pongRttMs).toEqual({ count: 20, avg: 105, p50: 100, p95: 190, max: 200 });
  });

  it('clips to a shorter window and knows the state the window started in', () => {
    const stats = computeStats({ entries, baseline: undefined, rtt }, 50_000, NOW);
    // From 50 s: up 50–60 (10 000) + 63–80 (17 000) + 90.5–100 (9 500); down 60–63 + 90–90.5.
    expect(stats).toMatchObject({
      uptimeMs: 36_500,
      downtimeMs: 3_500,
      attempts: 2,
      successfulAttempts: 2,
      failedAttempts: 0,
      successRate: 1,
      disconnections: 1,
      reconnectMs: { count: 1, avg: 3000 },
      pongRttMs: null,
    });
  });

  it('uses the baseline when older entries were dropped', () => {
    const baseline = entries[6]; // connected at 36 s
    const stats = computeStats({ entries: entries.slice(7), baseline, rtt: [] }, 100_000, NOW);
    expect(stats.uptimeMs).toBe(24_000 + 17_000 + 9_500);
    expect(stats.disconnections).toBe(1);
  });

  it('has nulls, not NaN, without data', () => {
    const stats = computeStats({ entries: [], baseline: undefined, rtt: [] }, 1000, NOW);
    expect(stats).toMatchObject({
      uptimeRatio: null,
      successRate: null,
      reconnectMs: null,
      pongRttMs: null,
      detectionMs: null,
      observedMs: 0,
    });
  });
});

describe('percentile / summarize', () => {
  it('use the nearest-rank method', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(percentile([7], 95)).toBe(7);
    expect(summarize([3, 1, 2])).toEqual({ count: 3, avg: 2, p50: 2, p95: 3, max: 3 });
    expect(summarize([])).toBeNull();
  });
});

describe('client.stats()', () => {
  it('measures a live client on the simulated clock', () => {
    const { clock, server, client } = createHarness();
    server.pongDelayMs = 25;
    client.connect();
    clock.advance(60_000);
    server.last.drop(); // down at 60 s
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    clock.advance(1000); // retry 1 refused at 61 s
    server.admit = () => ({ kind: 'accept' });
    clock.advance(2000); // retry 2 connected at 63 s
    clock.advance(37_000); // now 100 s
    const stats = client.stats(100_000);
    expect(stats).toMatchObject({
      uptimeMs: 97_000,
      downtimeMs: 3000,
      attempts: 3,
      failedAttempts: 1,
      disconnections: 1,
      reconnectMs: { count: 1, avg: 3000 },
      // Pongs for the pings at connect (0 s and 63 s) and a period later (30 s and 93 s).
      pongRttMs: { count: 4, p50: 25, p95: 25 },
    });
    expect(stats.uptimeRatio).toBeCloseTo(0.97, 12);
    const kinds = client.timeline().map((e) => [e.kind, e.at - T0]);
    expect(kinds).toEqual([
      ['connecting', 0],
      ['connected', 0],
      ['reconnecting', 60_000],
      ['connecting', 61_000],
      ['reconnecting', 61_000],
      ['connecting', 63_000],
      ['connected', 63_000],
    ]);
    client.dispose();
  });
});
