import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  createMemoryTransport,
  createSeededRandom,
  DEFAULT_BACKOFF,
  nominalDelayMs,
  resolveOptions,
  type BackoffOptions,
  type JitterMode,
} from '../../src/client/index.js';

const SPEC_TABLE_S = [1, 2, 4, 8, 16, 30, 30, 30, 30, 30];
const options = (jitter: JitterMode): BackoffOptions => ({ ...DEFAULT_BACKOFF, jitter });

/** A random source that returns `values` in order, so every draw is known in advance. */
const scripted = (values: readonly number[]): (() => number) => {
  let next = 0;
  return () => {
    const value = values[next++];
    if (value === undefined) throw new Error(`scripted random: only ${values.length} values`);
    return value;
  };
};

// Binary-exact draws, so the expected delays below are exact.
const DRAWS = [0.125, 0.5, 0.875, 0.25];

/** The delays before retries 1…DRAWS.length, each feeding its delay to the next (decorrelated). */
const delaysWith = (opts: BackoffOptions, random: () => number): number[] => {
  let previous = opts.initialDelayMs;
  return DRAWS.map((_, i) => {
    previous = backoffDelayMs(i + 1, opts, random, previous);
    return previous;
  });
};

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

  it('defaults to full jitter: a client without backoff options draws in [0, nominal)', () => {
    const { transport } = createMemoryTransport();
    const { backoff } = resolveOptions({ userId: 'u', url: 'ws://localhost:1', transport }).machine;
    // 0.125 · 1000, 0.5 · 2000, 0.875 · 4000, 0.25 · 8000
    expect(delaysWith(backoff, scripted(DRAWS))).toEqual([125, 1000, 3500, 2000]);
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

  it('takes every jittered delay from the random source, exactly as each mode defines', () => {
    // full: r · nominal
    expect(delaysWith(options('full'), scripted(DRAWS))).toEqual([125, 1000, 3500, 2000]);
    // equal: nominal/2 + r · nominal/2, floored: 500 + 62.5, 1000 + 500, 2000 + 1750, 4000 + 1000
    expect(delaysWith(options('equal'), scripted(DRAWS))).toEqual([562, 1500, 3750, 5000]);
    // decorrelated: 1000 + r · (3 · previous − 1000), floored, starting from previous = 1000:
    // 1000 + 0.125 · 2000, 1000 + 0.5 · 2750, 1000 + 0.875 · 6125, 1000 + 0.25 · 18077
    expect(delaysWith(options('decorrelated'), scripted(DRAWS))).toEqual([1250, 2375, 6359, 5519]);
    // none ignores the source.
    expect(delaysWith(options('none'), scripted(DRAWS))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('is reproducible with a seeded random source, and another seed gives other delays', () => {
    for (const jitter of ['full', 'equal', 'decorrelated'] as const) {
      const run = (seed: number): number[] => delaysWith(options(jitter), createSeededRandom(seed));
      expect(run(99), jitter).toEqual(run(99));
      expect(run(99), jitter).not.toEqual(run(100));
    }
  });
});
