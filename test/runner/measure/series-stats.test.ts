import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../src/client/index.js';
import { percentileIn, summarize } from '../../../src/runner/measure/order-stats.js';
import {
  IN_PLACE_FROM,
  seriesPercentile,
  summarizeSeries,
} from '../../../src/runner/measure/series-stats.js';
import { SampleSeries } from '../../../src/runner/measure/series.js';

/** A series of `n` samples, one every 10 ms, with values from `value(i, random)`. */
function seriesOf(
  n: number,
  value: (i: number, random: () => number) => number,
  options: { times?: boolean } = {},
): SampleSeries {
  const random = createSeededRandom(n);
  const series = new SampleSeries(options);
  for (let i = 0; i < n; i++) series.push(i * 10, value(i, random));
  return series;
}

const shapes: Record<string, (i: number, random: () => number) => number> = {
  // Pong RTTs: a narrow band with a long tail, so most values share a few buckets.
  rtt: (_, r) => 10 + r() * 2 + (r() < 0.01 ? r() * 5000 : 0),
  few: (i) => (i % 7) * 0.25,
  signed: (_, r) => (r() - 0.5) * 1e6,
  zeros: (i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? -0 : 1e-300),
  same: () => 42.5,
  tiny: (_, r) => r() * 1e-310,
  huge: (_, r) => (r() - 0.3) * 1e300,
};

describe('summarizeSeries', () => {
  for (const [name, shape] of Object.entries(shapes)) {
    for (const n of [1, 2, 17, 1000, 70_000, 200_001]) {
      it(`gives what summarize gives of the copy (${name}, ${n} samples)`, () => {
        const series = seriesOf(n, shape);
        const map = (ms: number) => ms / 1000 / 0.25;
        const keep = (at: number) => at % 30 !== 0;
        // In place (what a large series gets) and from a copy (a short one).
        for (const from of [0, IN_PLACE_FROM]) {
          expect(summarizeSeries(series, { map }, from)).toEqual(
            summarize(series.values(undefined, map)),
          );
          expect(summarizeSeries(series, { keep, map }, from)).toEqual(
            summarize(series.values(keep, map)),
          );
          expect(summarizeSeries(series, {}, from)).toEqual(summarize(series.values()));
        }
      });
    }
  }

  it('counts nothing when no sample is kept', () => {
    const series = seriesOf(100, (i) => i);
    expect(summarizeSeries(series, { keep: () => false }, 0)).toEqual(summarize([]));
    expect(summarizeSeries(new SampleSeries(), {}, 0)).toEqual(summarize([]));
  });

  it('falls back to the copy for NaN and for sums past the largest double', () => {
    const withNaN = seriesOf(5000, (i) => (i === 77 ? Number.NaN : i));
    expect(summarizeSeries(withNaN, {}, 0)).toEqual(summarize(withNaN.values()));
    const overflow = seriesOf(5000, (i) => (i % 2 === 0 ? 1.7e308 : -1.7e308));
    expect(summarizeSeries(overflow, {}, 0)).toEqual(summarize(overflow.values()));
    const infinite = seriesOf(100, (i) => (i === 3 ? Number.POSITIVE_INFINITY : i));
    expect(summarizeSeries(infinite, {}, 0)).toEqual(summarize(infinite.values()));
  });

  it('refuses to filter a series that keeps no times', () => {
    const series = seriesOf(10, (i) => i, { times: false });
    expect(summarizeSeries(series).count).toBe(10);
    expect(() => summarizeSeries(series, { keep: () => true })).toThrow(/keeps no times/);
    expect(() => seriesPercentile(series, 50, { keep: () => true })).toThrow(/keeps no times/);
    expect(() => summarizeSeries(series, { keep: () => true }, 0)).toThrow(/keeps no times/);
  });
});

describe('seriesPercentile', () => {
  it('gives what percentileIn gives of the copy, for any percentile', () => {
    for (const [name, shape] of Object.entries(shapes)) {
      const series = seriesOf(70_001, shape);
      const keep = (at: number) => at % 70 !== 0;
      for (const p of [0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 100]) {
        const expected = percentileIn(series.values(keep), p);
        expect(seriesPercentile(series, p, { keep }, 0), `${name} p${p}`).toBe(expected);
        expect(seriesPercentile(series, p, { keep }), `${name} p${p}`).toBe(expected);
      }
    }
  });

  it('is undefined for no samples, and puts NaN last as a sort does', () => {
    for (const from of [0, IN_PLACE_FROM]) {
      expect(seriesPercentile(new SampleSeries(), 50, {}, from)).toBeUndefined();
      const series = seriesOf(10, (i) => (i < 3 ? Number.NaN : i));
      expect(seriesPercentile(series, 100, {}, from)).toBeNaN();
      expect(seriesPercentile(series, 10, {}, from)).toBe(3);
    }
  });
});
