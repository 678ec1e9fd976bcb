/** Samples per chunk: 64 Ki, 1 MiB of times and values. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/**
 * Timed samples in fixed chunks of two Float64Arrays: 16 bytes a sample instead of an object
 * each, and growth without copying or doubling, which is what lets a simulated day of 10 000
 * clients (tens of millions of pongs) fit. Small series start with a small first chunk. A
 * series made with `{ times: false }` keeps values only (8 bytes a sample), for a trend no
 * threshold splits by window: its times read NaN and it cannot be filtered by time.
 */
export class SampleSeries {
  #at: Float64Array[] | undefined;
  #value: Float64Array[] = [new Float64Array(256)];
  #length = 0;

  constructor(options: { times?: boolean } = {}) {
    this.#at = options.times === false ? undefined : [new Float64Array(256)];
  }

  /** False when the series keeps values only. */
  get timed(): boolean {
    return this.#at !== undefined;
  }

  /** Samples held. */
  get length(): number {
    return this.#length;
  }

  /** Adds a sample taken at clock time `at`. */
  push(at: number, value: number): void {
    const chunk = this.#length >>> CHUNK_BITS;
    const i = this.#length & MASK;
    let values = this.#value[chunk];
    if (values === undefined) {
      values = new Float64Array(CHUNK);
      this.#value.push(values);
      this.#at?.push(new Float64Array(CHUNK));
    } else if (i === values.length) {
      // Only the first chunk starts small: it grows to a full chunk.
      this.#value[chunk] = values = grown(values);
      if (this.#at !== undefined) this.#at[chunk] = grown(this.#at[chunk]!);
    }
    values[i] = value;
    if (this.#at !== undefined) this.#at[chunk]![i] = at;
    this.#length += 1;
  }

  /** Time of sample `i`. */
  timeAt(i: number): number {
    if (this.#at === undefined || i >= this.#length) return Number.NaN;
    return this.#at[i >>> CHUNK_BITS]![i & MASK]!;
  }

  /** Value of sample `i`. */
  valueAt(i: number): number {
    return i < this.#length ? this.#value[i >>> CHUNK_BITS]![i & MASK]! : Number.NaN;
  }

  /**
   * Values of the samples whose time passes `keep` (all when omitted), in order, each mapped
   * through `map` when given.
   */
  values(keep?: (at: number) => boolean, map?: (value: number) => number): Float64Array {
    if (keep !== undefined && this.#at === undefined) {
      throw new Error('SampleSeries.values: this series keeps no times to filter by');
    }
    let out = new Float64Array(keep === undefined ? this.#length : Math.min(this.#length, 1024));
    let n = 0;
    for (let c = 0; c * CHUNK < this.#length; c++) {
      const times = this.#at?.[c];
      const values = this.#value[c]!;
      const end = Math.min(CHUNK, this.#length - c * CHUNK);
      for (let i = 0; i < end; i++) {
        if (keep !== undefined && !keep(times![i]!)) continue;
        if (n === out.length) {
          const bigger = new Float64Array(Math.min(this.#length, out.length * 2));
          bigger.set(out);
          out = bigger;
        }
        out[n++] = map === undefined ? values[i]! : map(values[i]!);
      }
    }
    return n === out.length ? out : out.slice(0, n);
  }

  /**
   * Calls `visit` with each chunk's values and times (undefined when the series keeps none) and
   * how many samples of it are held, in order: a pass over every sample without copying one.
   */
  forEachChunk(
    visit: (values: Float64Array, times: Float64Array | undefined, length: number) => void,
  ): void {
    for (let c = 0; c * CHUNK < this.#length; c++) {
      visit(this.#value[c]!, this.#at?.[c], Math.min(CHUNK, this.#length - c * CHUNK));
    }
  }

  /** Every sample, as plain data another thread can {@link merge}. */
  export(): SampleState {
    return {
      kind: 'samples',
      at: this.#at === undefined ? undefined : joined(this.#at, this.#length),
      values: joined(this.#value, this.#length),
    };
  }

  /** Appends another series' samples ({@link export}) after this one's. */
  merge(state: SampleState): void {
    if ((state.at === undefined) !== (this.#at === undefined)) {
      throw new Error('SampleSeries.merge: one series keeps times and the other does not');
    }
    for (let i = 0; i < state.values.length; i++) {
      this.push(state.at?.[i] ?? Number.NaN, state.values[i]!);
    }
  }

  /** The samples as objects (for tests and small series). */
  toArray(): Array<{ at: number; value: number }> {
    const out: Array<{ at: number; value: number }> = [];
    for (let i = 0; i < this.#length; i++) out.push({ at: this.timeAt(i), value: this.valueAt(i) });
    return out;
  }
}

// A first chunk four times larger (at most a full chunk), with the samples copied.
function grown(chunk: Float64Array): Float64Array {
  const out = new Float64Array(Math.min(CHUNK, chunk.length * 4));
  out.set(chunk);
  return out;
}

/** A {@link SampleSeries} as plain data (structured-cloneable). */
export interface SampleState {
  kind: 'samples';
  /** Times, in order; undefined for a series that keeps values only. */
  at: Float64Array | undefined;
  values: Float64Array;
}

// The first `length` values of `chunks`, in one array.
function joined(chunks: readonly Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  let n = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.length, length - n);
    out.set(take === chunk.length ? chunk : chunk.subarray(0, take), n);
    n += take;
    if (n === length) break;
  }
  return out;
}
