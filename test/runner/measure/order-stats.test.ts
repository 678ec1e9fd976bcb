import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../src/client/index.js';
import {
  exactSum,
  percentileIn,
  percentileOf,
  selectRank,
  summarize,
} from '../../../src/runner/measure/order-stats.js';

function randomValues(n: number, seed: number, distinct: number): Float64Array {
  const random = createSeededRandom(seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.floor(random() * distinct) * 0.37 - distinct / 7;
  return values;
}

function shuffled(values: Float64Array, seed: number): Float64Array {
  const random = createSeededRandom(seed);
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

describe('selectRank', () => {
  it('puts every rank where a sort puts it, with duplicates, on small and large arrays', () => {
    for (const [n, distinct] of [
      [1, 1],
      [2, 2],
      [17, 3],
      [40, 1000],
      [1000, 5],
      [5000, 1e9],
    ] as const) {
      const values = randomValues(n, n * 31 + distinct, distinct);
      const sorted = values.slice().sort();
      const ranks = n <= 40 ? Array.from({ length: n }, (_, i) => i) : [0, 1, n >> 1, n - 2, n - 1];
      for (const k of ranks) {
        const work = values.slice();
        selectRank(work, k);
        expect(work[k], `n=${n} k=${k}`).toBe(sorted[k]);
        for (let i = 0; i < k; i++) expect(work[i]! <= work[k]!).toBe(true);
        for (let i = k + 1; i < n; i++) expect(work[i]! >= work[k]!).toBe(true);
      }
    }
  });

  it('selects within the part a previous selection left above it', () => {
    const values = randomValues(10_000, 7, 100);
    const sorted = values.slice().sort();
    selectRank(values, 4999);
    selectRank(values, 9499, 4999);
    selectRank(values, 9899, 9499);
    expect([values[4999], values[9499], values[9899]]).toEqual([
      sorted[4999],
      sorted[9499],
      sorted[9899],
    ]);
  });
});

describe('exactSum', () => {
  it('is exact where a running sum loses digits', () => {
    expect(exactSum([1e100, 1, -1e100])).toBe(1);
    expect(exactSum([0.1, 0.2, 0.3])).toBe(0.6);
    expect(exactSum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
    expect(exactSum([])).toBe(0);
    expect(exactSum([1, Infinity, 2])).toBe(Infinity);
    expect(exactSum([Infinity, -Infinity])).toBeNaN();
    expect(exactSum([1.7976931348623157e308, 1.7976931348623157e308])).toBe(Infinity);
    // A running sum past the largest double answers the same whatever the order.
    const max = Number.MAX_VALUE;
    expect(exactSum([max, max, -max])).toBe(exactSum([max, -max, max]));
    expect(exactSum([max, -max, max])).toBe(max);
  });

  it('gives the same bits in any order', () => {
    const random = createSeededRandom(3);
    const values = Float64Array.from(
      { length: 20_000 },
      () => (random() - 0.3) * 10 ** (random() * 12),
    );
    const sum = exactSum(values);
    for (const seed of [1, 2, 3]) expect(exactSum(shuffled(values, seed))).toBe(sum);
    // Dyadic values: the exact sum is an integer count of 1/1024, computed apart.
    const ints = Array.from({ length: 5000 }, () => Math.floor(random() * 2 ** 40) - 2 ** 39);
    const total = ints.reduce((a, b) => a + BigInt(b), 0n);
    expect(exactSum(ints.map((i) => i / 1024))).toBe(Number(total) / 1024);
  });
});

describe('summarize', () => {
  it('reports what sorting reports, whatever order the values come in', () => {
    const values = randomValues(30_001, 11, 2000);
    const sorted = values.slice().sort();
    const expected = {
      count: sorted.length,
      min: sorted[0],
      p50: percentileOf(sorted, 50),
      p95: percentileOf(sorted, 95),
      p99: percentileOf(sorted, 99),
      max: sorted[sorted.length - 1],
    };
    const a = summarize(values);
    const b = summarize(shuffled(values, 5), true);
    expect(a).toMatchObject(expected);
    expect(b).toEqual(a);
    expect(a.avg).toBe(exactSum(sorted) / sorted.length);
    expect(percentileIn(shuffled(values, 6), 90)).toBe(percentileOf(sorted, 90));
  });

  it('still answers with NaN among the values, as a sort orders them (last)', () => {
    const s = summarize([3, Number.NaN, 1, 2]);
    expect([s.min, s.p50, s.max]).toEqual([1, 2, Number.NaN]);
    expect(percentileIn(Float64Array.from([3, Number.NaN, 1]), 50)).toBe(3);
  });
});
