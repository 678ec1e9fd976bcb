import fc from 'fast-check';
import { build } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_ERROR_BOUND,
  HistogramSeries,
} from '../../../src/runner/measure/histogram-series.js';
import { summarize, type Summary } from '../../../src/runner/measure/order-stats.js';

const { relative, absoluteMs } = HISTOGRAM_ERROR_BOUND;

/** True when `read` lies as near the exact value as the bound promises. */
function within(read: number, exact: number): boolean {
  return Math.abs(read - exact) <= exact * relative + absoluteMs;
}

/** Count, min, max and average exact; p50, p95 and p99 within the bound. */
function expectAgreement(read: Summary, exact: Summary): void {
  expect(read.count).toBe(exact.count);
  expect(read.min).toBe(exact.min);
  expect(read.max).toBe(exact.max);
  expect(read.avg).toBe(exact.avg);
  for (const p of ['p50', 'p95', 'p99'] as const) {
    expect(within(read[p]!, exact[p]!), `${p} ${read[p]} vs ${exact[p]}`).toBe(true);
  }
}

function fill(values: readonly number[]): HistogramSeries {
  const series = new HistogramSeries();
  values.forEach((v, i) => series.push(i, v));
  return series;
}

describe('HistogramSeries', () => {
  it('keeps count, min, max and the average exact, and the percentiles within the bound (any durations)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3_600_000, noNaN: true }), {
          minLength: 1,
          maxLength: 400,
        }),
        (values) => {
          const read = fill(values).summarize();
          const exact = summarize(values);
          expectAgreement(read, exact);
        },
      ),
      { seed: 2026, numRuns: 300 },
    );
  });

  it('gives the same exact figures when values come in runs (recorded a run at a time)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(fc.double({ min: 0, max: 3_600_000, noNaN: true }), fc.constant(0.5)),
            fc.integer({ min: 1, max: 40 }),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        (runs) => {
          const values = runs.flatMap(([value, n]) => Array.from({ length: n }, () => value));
          const series = fill(values);
          const read = series.summarize();
          const exact = summarize(values);
          expectAgreement(read, exact);
          // Reading in the middle of a run, then going on, changes nothing.
          series.push(0, values.at(-1)!);
          values.push(values.at(-1)!);
          expect(series.summarize().avg).toBe(summarize(values).avg);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('reads any percentile within the bound, at the resolution edges too (sub-microsecond to hours)', () => {
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) values.push(0.0001 * 1.0009 ** i);
    const series = fill(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (let p = 1; p < 100; p += 0.5) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
      expect(within(series.percentile(p)!, exact), `p${p}`).toBe(true);
    }
  });

  it('reads what the library reads when every value is recorded alone (values that drift across buckets, up to hours)', () => {
    // Values drift slowly, so runs of them share buckets; a bucket edge computed wrongly puts
    // some in a neighbour and moves percentiles. Some repeat exactly, some jump about.
    const values: number[] = [];
    for (let i = 0; i < 60_000; i++) {
      const drift = 0.0001 * 1.0004 ** i;
      values.push(i % 7 === 0 ? drift * 3.7 : drift, drift);
    }
    const series = fill(values);
    const max = Math.max(...values);
    const alone = build({
      bitBucketSize: 64,
      autoResize: true,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    });
    for (const v of values) alone.recordValue(Math.round(v * 1e6));
    expect(values.at(-1)! * 1e6).toBeGreaterThan(2 ** 31);
    for (let p = 0.05; p < 100; p += 0.05) {
      const rank = Math.ceil((p / 100) * values.length) - 1;
      if (rank === 0 || rank === values.length - 1) continue; // min and max are read exact
      expect(series.percentile(p), `p${p}`).toBe(
        Math.min(max, alone.getValueAtPercentile(p) / 1e6),
      );
    }
  });

  it('is off by at most 2^-10 of the value: a 0.2 % error would fail this', () => {
    // Ten thousand samples just above a bucket edge and one far above: p50 must stay near them.
    const series = fill([...Array.from({ length: 10_000 }, () => 2048.9), 5000]);
    const p50 = series.percentile(50)!;
    expect(Math.abs(p50 - 2048.9)).toBeLessThanOrEqual(2048.9 * 2 ** -10 + absoluteMs);
    expect(within(p50, 2048.9)).toBe(true);
  });

  it('maps values through the view (ms → s) after reading them, and holds no sample', () => {
    const series = fill([10, 20, 30, 40]);
    const summary = series.summarize({ map: (ms) => ms / 1000 });
    expect(summary).toMatchObject({ count: 4, min: 0.01, max: 0.04, avg: 0.025 });
    expect(within(series.percentile(50, { map: (ms) => ms / 1000 })! * 1000, 20)).toBe(true);
    expect(series.timed).toBe(false);
  });

  it('summarizes nothing as summarize([]) does', () => {
    expect(new HistogramSeries().summarize()).toEqual(summarize([]));
    expect(new HistogramSeries().percentile(50)).toBeUndefined();
  });

  it('refuses a negative or not finite duration, and a filter by time', () => {
    const series = new HistogramSeries();
    expect(() => series.push(0, -1)).toThrow(/between 0 and .* ms, got -1/);
    expect(() => series.push(0, Number.NaN)).toThrow(/got NaN/);
    expect(() => series.push(0, Number.POSITIVE_INFINITY)).toThrow(/got Infinity/);
    expect(series.length).toBe(0);
    series.push(0, 1);
    expect(() => series.summarize({ keep: () => true })).toThrow(/keeps no times/);
  });

  it('takes a fixed memory however many samples it holds', () => {
    const series = new HistogramSeries();
    for (let i = 0; i < 100_000; i++) series.push(i, 0.5 + (i % 1000) / 100);
    const footprint = series.footprintBytes;
    for (let i = 0; i < 2_000_000; i++) series.push(i, 0.5 + (i % 1000) / 100);
    expect(series.length).toBe(2_100_000);
    // Two million more samples in a SampleSeries would take 32 MB; the histogram takes no more.
    expect(series.footprintBytes).toBe(footprint);
    expect(footprint).toBeLessThan(1024 * 1024);
  });
});
