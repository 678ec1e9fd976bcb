import { describe, expect, it } from 'vitest';
import { SampleSeries } from '../../../src/runner/measure/series.js';
import { percentileOf, summarize } from '../../../src/runner/measure/order-stats.js';

describe('SampleSeries', () => {
  it('without times keeps values only, and refuses to filter by time', () => {
    const series = new SampleSeries({ times: false });
    const n = 65_536 + 300;
    for (let i = 0; i < n; i++) series.push(i, i % 97);
    expect(series.timed).toBe(false);
    expect(series.length).toBe(n);
    expect(series.valueAt(n - 1)).toBe((n - 1) % 97);
    expect(series.timeAt(3)).toBeNaN();
    const values = series.values(undefined, (v) => v * 2);
    expect(values.length).toBe(n);
    expect(values[65_540]).toBe((65_540 % 97) * 2);
    expect(() => series.values((at) => at > 5)).toThrow(/keeps no times/);
    expect(new SampleSeries().timed).toBe(true);
  });

  it('keeps every sample in order across chunk boundaries', () => {
    const series = new SampleSeries();
    const n = 3 * 65_536 + 17;
    for (let i = 0; i < n; i++) series.push(i * 10, i % 1000);
    expect(series.length).toBe(n);
    for (const i of [0, 255, 256, 1023, 1024, 65_535, 65_536, 131_072, n - 1]) {
      expect(series.timeAt(i)).toBe(i * 10);
      expect(series.valueAt(i)).toBe(i % 1000);
    }
    expect(series.timeAt(n)).toBeNaN();
    const all = series.values();
    expect(all).toHaveLength(n);
    expect(all[70_000]).toBe(70_000 % 1000);
    // A window and a unit change, as a threshold reads them.
    const late = series.values(
      (at) => at >= (n - 5) * 10,
      (v) => v / 1000,
    );
    expect([...late]).toEqual([n - 5, n - 4, n - 3, n - 2, n - 1].map((i) => (i % 1000) / 1000));
    expect(series.values(() => false)).toHaveLength(0);
  });

  it('summaries sort numerically and sum in ascending order', () => {
    const values = new Float64Array([10, 9, 100, 1, 2.5]);
    expect(summarize(values)).toEqual({
      count: 5,
      avg: 122.5 / 5,
      min: 1,
      p50: 9,
      p95: 100,
      p99: 100,
      max: 100,
    });
    expect(percentileOf(Float64Array.from([1, 2, 3, 4]), 50)).toBe(2);
    expect(summarize([])).toMatchObject({ count: 0, avg: undefined, min: undefined });
  });
});
