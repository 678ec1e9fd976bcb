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
  // Non-overlapping partials, smallest magnitude first; their exact sum is the sum so far.
  let partials = new Float64Array(PARTIALS);
  let count = 0;
  let special = 0;
  for (let v = 0; v < values.length; v++) {
    let x = values[v]!;
    if (!Number.isFinite(x)) {
      special += x;
      continue;
    }
    let n = 0;
    for (let i = 0; i < count; i++) {
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
    // A running sum past the largest double: whether the whole sum is finite depends on what
    // follows, so answer in a way that does not depend on the order.
    if (!Number.isFinite(x)) return sortedSum(values);
    if (n === partials.length) {
      const more = new Float64Array(partials.length * 2);
      more.set(partials);
      partials = more;
    }
    partials[n] = x;
    count = n + 1;
  }
  if (special !== 0 || Number.isNaN(special)) return special;
  return roundPartials(partials, count);
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
