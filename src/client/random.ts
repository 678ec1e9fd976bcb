/** A source of uniformly distributed numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

/**
 * A small, fast seeded PRNG (mulberry32, 32-bit state). The same seed yields the same sequence
 * on every platform, so simulations and jitter tests are reproducible. Not for cryptography.
 *
 * @param seed any integer; only its low 32 bits are used
 * @returns a function returning numbers in [0, 1)
 */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The host's `Math.random`, the default random source. */
export const systemRandom: Random = () => Math.random();
