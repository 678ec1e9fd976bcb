// Order statistics and sums of large samples without sorting them: a simulated day of a large
// fleet is tens of millions of pongs, and a report needs only five ranks and a sum of them.

/**
 * Non-overlapping partials of finite doubles: at most about 40 (2,098 binary exponents, 53 bits
 * each); room for more is made if ever needed.
 */
const PARTIALS = 64;

/**
 * The sum of `values`, correctly rounded (exact partials, as in Shewchuk's algorithm): the same
 * result in any order, so a sum does not depend on the order samples were recorded in.
 */
export function exactSum(values: ArrayLike<number>): number {
  const sum = new ExactSum();
  for (let v = 0; v < values.length; v++) {
    // A running sum past the largest double: whether the whole sum is finite depends on what
    // follows, so answer in a way that does not depend on the order.
    if (!sum.add(values[v]!)) return sortedSum(values);
  }
  return sum.value();
}

/** {@link exactSum} one value at a time, for values that are not in one array. */
export class ExactSum {
  // Non-overlapping partials, smallest magnitude first; their exact sum is the sum so far.
  #partials = new Float64Array(PARTIALS);
  #count = 0;
  #special = 0;

  /**
   * Adds `x`. Returns false, and stops counting, when the running sum of finite values
   * overflows: the caller then needs {@link exactSum}'s fallback over all the values.
   */
  add(value: number): boolean {
    let x = value;
    if (!Number.isFinite(x)) {
      this.#special += x;
      return true;
    }
    const partials = this.#partials;
    let n = 0;
    for (let i = 0; i < this.#count; i++) {
      let y = partials[i]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[n++] = lo;
      x = hi;
    }
    if (!Number.isFinite(x)) return false;
    if (n === partials.length) {
      const more = new Float64Array(partials.length * 2);
      more.set(partials);
      this.#partials = more;
    }
    this.#partials[n] = x;
    this.#count = n + 1;
    return true;
  }

  /** The exact sum so far, as partials and the special values' sum (for {@link merge}). */
  state(): { partials: Float64Array; special: number } {
    return { partials: this.#partials.slice(0, this.#count), special: this.#special };
  }

  /**
   * Adds another sum's {@link state}: exactly, so merged sums round as one sum of every value
   * would. Returns false as {@link add} does when the running sum overflows.
   */
  merge(other: { partials: Float64Array; special: number }): boolean {
    this.#special += other.special;
    for (const partial of other.partials) if (!this.add(partial)) return false;
    return true;
  }

  /** The correctly rounded sum of the values added. */
  value(): number {
    const special = this.#special;
    if (special !== 0 || Number.isNaN(special)) return special;
    return roundPartials(this.#partials, this.#count);
  }
}

// Infinities and NaN decide alone; otherwise the finite values summed in ascending order.
function sortedSum(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  let special = 0;
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    if (Number.isFinite(x)) sum += x;
    else special += x;
  }
  return special !== 0 || Number.isNaN(special) ? special : sum;
}

// The correctly rounded value of the exact sum of non-overlapping partials (ascending magnitude).
function roundPartials(partials: Float64Array, count: number): number {
  let n = count;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Half-way cases: the partials below may tip the rounding of hi + lo the other way.
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

/**
 * Puts into `values[k]` the value a numeric ascending sort would put there, with smaller or
 * equal values before it and greater or equal ones after it, looking only at `values[from..to)`
 * (which must hold that rank). Average linear time; reorders the array. No NaN allowed.
 */
export function selectRank(values: Float64Array, k: number, from = 0, to = values.length): void {
  let lo = from;
  let hi = to - 1;
  while (hi > lo) {
    if (hi - lo < 16) {
      insertionSort(values, lo, hi);
      return;
    }
    // Median of three as the pivot, then a Hoare partition.
    const mid = (lo + hi) >>> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    // [lo, j] <= pivot <= [i, hi]; between them, values equal to the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function insertionSort(values: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= lo && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}

/** Index of the nearest-rank percentile `p` (0..100) among `count` sorted values. */
export function rankOf(count: number, p: number): number {
  return Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1));
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentileOf(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[rankOf(sorted.length, p)];
}

/**
 * Nearest-rank percentile of values in any order (p in 0..100), found without sorting; the
 * array is reordered.
 */
export function percentileIn(values: Float64Array, p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (hasNaN(values)) return percentileOf(values.sort(), p);
  const rank = rankOf(values.length, p);
  selectRank(values, rank);
  return values[rank]! + 0;
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) return true;
  return false;
}

/** count, avg, min, p50, p95, p99, max of a distribution (undefined fields when empty). */
export interface Summary {
  count: number;
  avg: number | undefined;
  min: number | undefined;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  max: number | undefined;
}

/**
 * Summarizes values (already in the unit to report). The ranks are selected, not sorted for,
 * and the sum is exact, so the summary does not depend on the order of the values. A
 * Float64Array the caller hands over (`owned`) is reordered in place: a day of pongs from a
 * large fleet is hundreds of megabytes.
 */
export function summarize(values: ArrayLike<number>, owned = false): Summary {
  const count = values.length;
  if (count === 0) {
    return {
      count,
      avg: undefined,
      min: undefined,
      p50: undefined,
      p95: undefined,
      p99: undefined,
      max: undefined,
    };
  }
  const all = owned && values instanceof Float64Array ? values : Float64Array.from(values);
  const avg = exactSum(all) / count;
  const r50 = rankOf(count, 50);
  const r95 = rankOf(count, 95);
  const r99 = rankOf(count, 99);
  let min = all[0]!;
  let max = min;
  if (hasNaN(all)) {
    // A sort puts NaN last, as neither a scan nor a selection would.
    all.sort();
    min = all[0]!;
    max = all[count - 1]!;
  } else {
    for (let i = 1; i < count; i++) {
      const v = all[i]!;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    // Each selection leaves the ranks above it in the part after it.
    selectRank(all, r50);
    selectRank(all, r95, r50);
    selectRank(all, r99, r95);
  }
  // + 0 makes -0 read 0: which of two equal zeros a scan or a selection meets first depends on
  // the order of the values.
  return {
    count,
    avg,
    min: min + 0,
    p50: all[r50]! + 0,
    p95: all[r95]! + 0,
    p99: all[r99]! + 0,
    max: max + 0,
  };
}
