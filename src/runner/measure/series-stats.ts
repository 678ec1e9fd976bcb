// Summaries of a SampleSeries read in place: a simulated day of a large fleet holds tens of
// millions of pongs, and copying them all to select three ranks would double the memory they take
// at the very end of the run. Two passes over the chunks instead: the first counts, sums and
// builds a histogram of the values' leading bits; the second keeps only the values that fall in
// the histogram buckets holding the wanted ranks, and selects among those.
import {
  ExactSum,
  percentileIn,
  rankOf,
  selectRank,
  summarize,
  type Summary,
} from './order-stats.js';
import type { SampleSeries } from './series.js';

/** Which samples count (by time) and how a value is reported (unit conversion). */
export interface SeriesView {
  keep?: ((at: number) => boolean) | undefined;
  /** Must not decrease: ranks are selected among mapped values. */
  map?: ((value: number) => number) | undefined;
}

/**
 * Series shorter than this are summarized from a copy: the histogram (5 MiB to allocate and
 * scan) costs milliseconds, which a short series, summarized at every progress tick for a
 * threshold that aborts the run, must not pay.
 */
export const IN_PLACE_FROM = 1 << 20;

/** Leading bits of a value's order-preserving key that pick its bucket: 256 per binade. */
const BUCKET_BITS = 20;
const BUCKETS = 1 << BUCKET_BITS;

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
// The word holding the sign and exponent.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

// Buckets in the order of the values they hold: a double's high word with the sign bit flipped
// for positives and every bit flipped for negatives sorts as the doubles do.
function bucketOf(value: number): number {
  scratch[0] = value;
  const high = words[HIGH]!;
  return (high & 0x80000000 ? ~high : high | 0x80000000) >>> (32 - BUCKET_BITS);
}

/** The values of `series` in `view`, in a new array. */
function copyOf(series: SampleSeries, view: SeriesView): Float64Array {
  return series.values(view.keep, view.map);
}

/** What the first pass over a series found. */
interface Scan {
  count: number;
  min: number;
  max: number;
  /** False for a NaN, or a sum past the largest double: the copy's summary is needed. */
  plain: boolean;
  histogram: Uint32Array;
}

// The first pass: counts, min and max, the exact sum into `sum` when given, and the histogram.
// The loop is written out (not a callback a value): tens of millions of values.
function scan(series: SampleSeries, view: SeriesView, sum?: ExactSum): Scan {
  const found: Scan = {
    count: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    plain: true,
    histogram: new Uint32Array(BUCKETS),
  };
  const { keep, map } = view;
  const histogram = found.histogram;
  series.forEachChunk((values, times, length) => {
    let { count, min, max, plain } = found;
    for (let i = 0; i < length; i++) {
      if (keep !== undefined && !keep(times![i]!)) continue;
      const v = map === undefined ? values[i]! : map(values[i]!);
      count += 1;
      if (v < min) min = v;
      if (v > max) max = v;
      if (Number.isNaN(v) || (sum !== undefined && !sum.add(v))) plain = false;
      histogram[bucketOf(v)]! += 1;
    }
    Object.assign(found, { count, min, max, plain });
  });
  return found;
}

function assertTimed(series: SampleSeries, view: SeriesView, name: string): void {
  if (view.keep !== undefined && !series.timed) {
    throw new Error(`${name}: this series keeps no times to filter by`);
  }
}

/**
 * The same summary {@link summarize} gives of `series.values(view.keep, view.map)`, without
 * that copy: exact ranks, the exact sum, min and max. Falls back to the copy for NaN values and
 * for sums past the largest double.
 */
export function summarizeSeries(
  series: SampleSeries,
  view: SeriesView = {},
  inPlaceFrom = IN_PLACE_FROM,
): Summary {
  assertTimed(series, view, 'summarizeSeries');
  if (series.length < inPlaceFrom) return summarize(copyOf(series, view), true);
  const sum = new ExactSum();
  const { count, min, max, plain, histogram } = scan(series, view, sum);
  if (!plain) return summarize(copyOf(series, view), true);
  if (count === 0) return summarize([]);
  const [p50, p95, p99] = selectRanks(series, view, histogram, [
    rankOf(count, 50),
    rankOf(count, 95),
    rankOf(count, 99),
  ]);
  // + 0: -0 reads 0, as in summarize.
  return {
    count,
    avg: sum.value() / count,
    min: min + 0,
    p50: p50! + 0,
    p95: p95! + 0,
    p99: p99! + 0,
    max: max + 0,
  };
}

/**
 * The nearest-rank percentile `p` (0..100) of the values of `series` in `view`, as
 * `percentileIn(series.values(view.keep, view.map), p)` gives it, without that copy.
 */
export function seriesPercentile(
  series: SampleSeries,
  p: number,
  view: SeriesView = {},
  inPlaceFrom = IN_PLACE_FROM,
): number | undefined {
  assertTimed(series, view, 'seriesPercentile');
  if (series.length < inPlaceFrom) return percentileIn(copyOf(series, view), p);
  const { count, plain, histogram } = scan(series, view);
  if (count === 0) return undefined;
  // NaN sorts last, as in percentileIn.
  if (!plain) return copyOf(series, view).sort()[rankOf(count, p)];
  return selectRanks(series, view, histogram, [rankOf(count, p)])[0]! + 0;
}

// The values at `ranks` (ascending order), from the histogram of the first pass: a second pass
// keeps the values of the buckets that hold them, and each is selected within its bucket.
function selectRanks(
  series: SampleSeries,
  view: SeriesView,
  histogram: Uint32Array,
  ranks: readonly number[],
): number[] {
  // The buckets that hold a wanted rank (1 + their index in `kept`; 0 for the others), and each
  // rank's bucket and place among that bucket's values.
  const keptIndex = new Uint8Array(BUCKETS);
  const kept: Array<{ values: Float64Array; filled: number }> = [];
  const found: Array<{ kept: number; within: number }> = [];
  let below = 0;
  let r = 0;
  for (let b = 0; b < BUCKETS && r < ranks.length; b++) {
    const n = histogram[b]!;
    while (r < ranks.length && ranks[r]! < below + n) {
      if (keptIndex[b] === 0) {
        kept.push({ values: new Float64Array(n), filled: 0 });
        keptIndex[b] = kept.length;
      }
      found.push({ kept: keptIndex[b]! - 1, within: ranks[r]! - below });
      r += 1;
    }
    below += n;
  }
  const { keep, map } = view;
  series.forEachChunk((values, times, length) => {
    for (let i = 0; i < length; i++) {
      if (keep !== undefined && !keep(times![i]!)) continue;
      const v = map === undefined ? values[i]! : map(values[i]!);
      const k = keptIndex[bucketOf(v)]!;
      if (k === 0) continue;
      const bucket = kept[k - 1]!;
      bucket.values[bucket.filled++] = v;
    }
  });
  return found.map(({ kept: k, within }) => {
    const values = kept[k]!.values;
    selectRank(values, within);
    return values[within]!;
  });
}
