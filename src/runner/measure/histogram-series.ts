// A trend kept as a streaming histogram (HdrHistogram) instead of sample by sample: what lets a
// simulated day hold a fleet's pongs in a fixed few hundred KiB, however long the run and however
// often the clients ping. Counts, min, max and the sum (so the average) stay exact; percentiles
// are read off the histogram, within a stated bound of the exact ones.
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
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
  // Counts not handed to the histogram yet, by its own bucket index: a few integer operations
  // a value here, where the library's recording takes a logarithm and a power per value (a
  // simulated day records tens of millions of pongs). Handed over in bulk before each read.
  #pending = new Float64Array(0);
  #pendingLow = Number.POSITIVE_INFINITY;
  #pendingHigh = -1;

  /**
   * Bytes the histogram's counts and the counts waiting for it take (they grow only with the
   * range of values: at most about 0.5 MiB each).
   */
  get footprintBytes(): number {
    this.#settle();
    return this.#histogram.estimatedFootprintInBytes + this.#pending.byteLength;
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

  // Counts the pending run toward its bucket and adds it to the exact sum.
  #flush(): void {
    const n = this.#runLength;
    if (n === 0) return;
    const value = this.#runValue;
    this.#runLength = 0;
    this.#runValue = Number.NaN;
    this.#countAt(countsIndex(Math.round(value * UNITS_PER_MS)), n);
    if (!this.#summed) return;
    if (n < SHORT_RUN || value < PRODUCT_FLOOR) {
      for (let i = 0; i < n; i++) this.#summed &&= this.#sum.add(value);
    } else {
      // value × n exactly, as the rounded product and its rounding error (Dekker).
      const [product, error] = twoProduct(value, n);
      this.#summed = this.#sum.add(product) && this.#sum.add(error);
    }
  }

  #countAt(index: number, n: number): void {
    if (index >= this.#pending.length) {
      const grown = new Float64Array(
        Math.max(index + 1, this.#pending.length * 2, 2 * SUB_BUCKETS),
      );
      grown.set(this.#pending);
      this.#pending = grown;
    }
    this.#pending[index]! += n;
    if (index < this.#pendingLow) this.#pendingLow = index;
    if (index > this.#pendingHigh) this.#pendingHigh = index;
  }

  // Records everything pending in the histogram, before it is read.
  #settle(): void {
    this.#flush();
    const pending = this.#pending;
    for (let i = this.#pendingLow; i <= this.#pendingHigh; i++) {
      const n = pending[i]!;
      if (n === 0) continue;
      this.#histogram.recordValueWithCount(lowestOfIndex(i), n);
      pending[i] = 0;
    }
    this.#pendingLow = Number.POSITIVE_INFINITY;
    this.#pendingHigh = -1;
  }

  /** Everything recorded, as plain data another thread can {@link merge}. */
  export(): HistogramState {
    this.#settle();
    return {
      kind: 'histogram',
      counts: encodeIntoCompressedBase64(this.#histogram),
      count: this.#count,
      min: this.#min,
      max: this.#max,
      sum: this.#summed ? this.#sum.state() : undefined,
    };
  }

  /**
   * Adds what another series recorded ({@link export}): the counts, min, max and sum come out
   * as if every sample had been pushed here, whatever the order of merges.
   */
  merge(state: HistogramState): void {
    this.#settle();
    if (state.count === 0) return;
    this.#histogram.add(decodeFromCompressedBase64(state.counts, 64, false));
    this.#count += state.count;
    this.#min = Math.min(this.#min, state.min);
    this.#max = Math.max(this.#max, state.max);
    this.#summed &&= state.sum !== undefined && this.#sum.merge(state.sum);
  }

  /**
   * The summary {@link summarize} would give of every sample mapped through `view.map`: count,
   * average, min and max exact, percentiles within {@link HISTOGRAM_ERROR_BOUND}.
   */
  summarize(view: SeriesView = {}): Summary {
    assertWhole(view);
    this.#settle();
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
    this.#settle();
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

/** A {@link HistogramSeries} as plain data (structured-cloneable). */
export interface HistogramState {
  kind: 'histogram';
  /** The histogram's counts, HdrHistogram's compressed encoding. */
  counts: string;
  count: number;
  min: number;
  max: number;
  /** The exact sum's partials; undefined once it overflowed. */
  sum: { partials: Float64Array; special: number } | undefined;
}

/**
 * Bucket layout of an HdrHistogram of unit magnitude 0 and {@link SIGNIFICANT_DIGITS}: values
 * below 2^11 each have a sub-bucket of their own; above, bucket b holds [2^(b+10), 2^(b+11)) in
 * 1,024 sub-buckets 2^b wide, and a value's counts index is b × 1,024 plus its sub-bucket
 * (tested against the library recording every value itself).
 */
const HALF_MAGNITUDE = Math.ceil(Math.log2(2 * 10 ** SIGNIFICANT_DIGITS)) - 1;
const SUB_BUCKETS = 2 ** HALF_MAGNITUDE;
/** Values below this take the integer path of {@link countsIndex}. */
const INT_LIMIT = 2 ** 31;

/** The histogram's counts index for `units` (whole, not negative). */
function countsIndex(units: number): number {
  if (units < INT_LIMIT) {
    const bucket = 31 - Math.clz32(units) - HALF_MAGNITUDE;
    if (bucket <= 0) return units;
    return bucket * SUB_BUCKETS + (units >>> bucket);
  }
  // As the library computes it past 32 bits.
  const bucket = Math.floor(Math.log2(units)) - HALF_MAGNITUDE;
  return bucket * SUB_BUCKETS + Math.floor(units / 2 ** bucket);
}

/** The lowest value counted at `index`. */
function lowestOfIndex(index: number): number {
  if (index < 2 * SUB_BUCKETS) return index;
  const bucket = Math.floor(index / SUB_BUCKETS) - 1;
  return (index - bucket * SUB_BUCKETS) * 2 ** bucket;
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
