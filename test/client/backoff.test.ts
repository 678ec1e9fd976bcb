import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  createSeededRandom,
  DEFAULT_BACKOFF,
  nominalDelayMs,
  type BackoffOptions,
  type JitterMode,
} from '../../src/client/index.js';

const SPEC_TABLE_S = [1, 2, 4, 8, 16, 30, 30, 30, 30, 30];
const options = (jitter: JitterMode): BackoffOptions => ({ ...DEFAULT_BACKOFF, jitter });

describe('nominalDelayMs', () => {
  it('follows min(1000 · 2^(n−1), 30000): 1, 2, 4, 8, 16, 30, 30… s', () => {
    const delays = SPEC_TABLE_S.map((_, i) => nominalDelayMs(i + 1, DEFAULT_BACKOFF));
    expect(delays).toEqual(SPEC_TABLE_S.map((s) => s * 1000));
  });

  it('honours a custom initial delay, multiplier and cap', () => {
    const custom = { ...DEFAULT_BACKOFF, initialDelayMs: 500, multiplier: 3, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => nominalDelayMs(n, custom))).toEqual([
      500, 1500, 4500, 10_000, 10_000,
    ]);
  });
});

describe('backoffDelayMs', () => {
  it('with jitter none reproduces the spec table exactly', () => {
    const random = createSeededRandom(1);
    const delays = SPEC_TABLE_S.map((_, i) => backoffDelayMs(i + 1, options('none'), random));
    expect(delays).toEqual(SPEC_TABLE_S.map((s) => s * 1000));
  });

  it('defaults to full jitter', () => {
    expect(DEFAULT_BACKOFF.jitter).toBe('full');
  });

  it('full jitter stays in [0, nominal) and uses the whole range', () => {
    const random = createSeededRandom(42);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const nominal = nominalDelayMs(attempt, DEFAULT_BACKOFF);
      const samples = Array.from({ length: 500 }, () =>
        backoffDelayMs(attempt, options('full'), random),
      );
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...samples)).toBeLessThan(nominal);
      expect(Math.min(...samples)).toBeLessThan(nominal * 0.05);
      expect(Math.max(...samples)).toBeGreaterThan(nominal * 0.95);
    }
  });

  it('equal jitter stays in [nominal/2, nominal)', () => {
    const random = createSeededRandom(7);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const nominal = nominalDelayMs(attempt, DEFAULT_BACKOFF);
      const samples = Array.from({ length: 500 }, () =>
        backoffDelayMs(attempt, options('equal'), random),
      );
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(nominal / 2);
      expect(Math.max(...samples)).toBeLessThan(nominal);
      expect(Math.min(...samples)).toBeLessThan(nominal * 0.55);
    }
  });

  it('decorrelated jitter stays in [initial, min(cap, 3 · previous))', () => {
    const random = createSeededRandom(2024);
    const opts = options('decorrelated');
    let previous = opts.initialDelayMs;
    let reachedCap = false;
    for (let attempt = 1; attempt <= 200; attempt++) {
      const delay = backoffDelayMs(attempt, opts, random, previous);
      expect(delay).toBeGreaterThanOrEqual(opts.initialDelayMs);
      expect(delay).toBeLessThanOrEqual(Math.min(opts.maxDelayMs, 3 * previous));
      if (delay === opts.maxDelayMs) reachedCap = true;
      previous = delay;
    }
    expect(reachedCap).toBe(true);
  });

  it('is reproducible with a seeded random source', () => {
    const run = (): number[] => {
      const random = createSeededRandom(99);
      return [1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, options('full'), random));
    };
    expect(run()).toEqual(run());
  });
});
