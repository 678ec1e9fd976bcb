// A trend kept as a streaming histogram (HdrHistogram) instead of sample by sample: what lets a
// simulated day hold a fleet's pongs in a fixed few hundred KiB, however long the run and however
// often the clients ping. Counts, min, max and the sum (so the average) stay exact; percentiles
// are read off the histogram, within a stated bound of the exact ones.
import { build, type Histogram } from 'hdr-histogram-js';
import { ExactSum, rankOf, summarize, type Summary } from './order-stats.js';
import type { SeriesView } from './series-stats.js';

/** Values are recorded in whole nanoseconds (the series' values are milliseconds). */
const UNITS_PER_MS = 1e6;
/** Decimal digits the histogram keeps apart: buckets at most 2^-10 of their value wide. */
const SIGNIFICANT_DIGITS = 3;
/** Longest value a histogram takes: about 104 days, past any scenario's length. */
const MAX_MS = Number.MAX_SAFE_INTEGER / UNITS_PER_MS;

/**
 * How far a percentile read from a {@link HistogramSeries} may lie from the exact nearest-rank
 * one, either way, before the view's unit conversion: `relative` of the exact value (the
 * bucket's width), plus `absoluteMs` (recording in whole nanoseconds).
 */
export const HISTOGRAM_ERROR_BOUND = {
  method: 'hdr-histogram',
  significantDigits: SIGNIFICANT_DIGITS,
  relative: 2 ** -10,
  absoluteMs: 1 / UNITS_PER_MS,
} as const;

/**
 * A series of durations (milliseconds, finite, not negative) summarized as they arrive. It
 * keeps no sample's time, so it cannot be split by window: a run that judges a trend in its
 * steady or fault window keeps that trend as a {@link SampleSeries}.
 */
export class HistogramSeries {
  readonly timed = false;
  readonly #histogram: Histogram = build({
    bitBucketSize: 64,
    autoResize: true,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
  readonly #sum = new ExactSum();
  #count = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;
  /** False once the exact sum overflowed (it cannot, for durations shorter than MAX_MS). */
  #summed = true;
  // A run of equal values not recorded yet: a quiet simulated link answers every ping in the
  // same time, and one histogram update and one exact product stand for the whole run.
  #runValue = Number.NaN;
  #runLength = 0;

  /** Bytes the histogram's counts take (they grow only with the range of values, to ~0.5 MiB). */
  get footprintBytes(): number {
    this.#flush();
    return this.#histogram.estimatedFootprintInBytes;
  }

  /** Samples recorded. */
  get length(): number {
    return this.#count;
  }

  /** Records `value` (ms); `at` is accepted for the same call as a SampleSeries and not kept. */
  push(_at: number, value: number): void {
    if (value === this.#runValue) {
      this.#runLength += 1;
      this.#count += 1;
      return;
    }
    if (!(value >= 0 && value <= MAX_MS)) {
      throw new RangeError(
        `HistogramSeries: a duration must be between 0 and ${MAX_MS} ms, got ${value}`,
      );
    }
    this.#flush();
    this.#runValue = value;
    this.#runLength = 1;
    this.#count += 1;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  // Records the pending run in the histogram and the exact sum.
  #flush(): void {
    const n = this.#runLength;
    if (n === 0) return;
    const value = this.#runValue;
    this.#runLength = 0;
    this.#runValue = Number.NaN;
    this.#histogram.recordValueWithCount(Math.round(value * UNITS_PER_MS), n);
    if (!this.#summed) return;
    if (n < SHORT_RUN || value < PRODUCT_FLOOR) {
      for (let i = 0; i < n; i++) this.#summed &&= this.#sum.add(value);
    } else {
      // value × n exactly, as the rounded product and its rounding error (Dekker).
      const [product, error] = twoProduct(value, n);
      this.#summed = this.#sum.add(product) && this.#sum.add(error);
    }
  }

  /**
   * The summary {@link summarize} would give of every sample mapped through `view.map`: count,
   * average, min and max exact, percentiles within {@link HISTOGRAM_ERROR_BOUND}.
   */
  summarize(view: SeriesView = {}): Summary {
    assertWhole(view);
    this.#flush();
    const map = view.map ?? ((v: number) => v);
    if (this.#count === 0) return summarize([]);
    const avg = this.#summed ? this.#sum.value() / this.#count : Number.POSITIVE_INFINITY;
    return {
      count: this.#count,
      avg: map(avg),
      min: map(this.#min) + 0,
      p50: map(this.#valueAt(50)) + 0,
      p95: map(this.#valueAt(95)) + 0,
      p99: map(this.#valueAt(99)) + 0,
      max: map(this.#max) + 0,
    };
  }

  /** The nearest-rank percentile `p` (0..100) in `view`, within the bound; undefined if empty. */
  percentile(p: number, view: SeriesView = {}): number | undefined {
    assertWhole(view);
    this.#flush();
    if (this.#count === 0) return undefined;
    const value = this.#valueAt(p);
    return (view.map === undefined ? value : view.map(value)) + 0;
  }

  // The rank's bucket, read as the largest value it holds (HdrHistogram's convention), kept
  // within the exact min and max.
  #valueAt(p: number): number {
    const rank = rankOf(this.#count, p);
    if (rank === 0) return this.#min;
    if (rank === this.#count - 1) return this.#max;
    const units = this.#histogram.getValueAtPercentile(Math.min(100, p));
    return Math.min(this.#max, Math.max(this.#min, units / UNITS_PER_MS));
  }
}

/** Runs shorter than this are summed a value at a time. */
const SHORT_RUN = 8;
/** Below this a product's error term could fall among subnormals and lose bits: summed singly. */
const PRODUCT_FLOOR = 2 ** -900;
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134_217_729;

// a × b as p + e exactly (both doubles), for finite products far from overflow and underflow.
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const ca = SPLITTER * a;
  const aHi = ca - (ca - a);
  const aLo = a - aHi;
  const cb = SPLITTER * b;
  const bHi = cb - (cb - b);
  const bLo = b - bHi;
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

function assertWhole(view: SeriesView): void {
  if (view.keep !== undefined) {
    throw new Error('HistogramSeries: this series keeps no times to filter by');
  }
}
