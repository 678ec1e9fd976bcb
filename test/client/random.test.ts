import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../src/client/index.js';

describe('createSeededRandom', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const a = createSeededRandom(123);
    const b = createSeededRandom(123);
    const c = createSeededRandom(124);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
  });

  it('matches the reference mulberry32 output', () => {
    // Values of the canonical public-domain mulberry32 (Tommy Ettinger) seeded with 0.
    const random = createSeededRandom(0);
    const first = Array.from({ length: 3 }, random);
    expect(first.map((x) => Math.round(x * 1e9))).toEqual([266_429_209, 329_746, 223_272_027]);
  });

  it('returns numbers in [0, 1) with a mean near 0.5', () => {
    const random = createSeededRandom(5);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
});
