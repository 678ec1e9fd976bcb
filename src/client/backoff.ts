import type { Random } from './random.js';

/** Jitter strategies from the AWS Architecture Blog, "Exponential Backoff And Jitter" (2015). */
export const JITTER_MODES = ['none', 'full', 'equal', 'decorrelated'] as const;
/** One of {@link JITTER_MODES}. */
export type JitterMode = (typeof JITTER_MODES)[number];

/** How long to wait between reconnect attempts and when to give up. */
export interface BackoffOptions {
  /** Nominal delay before retry 1, in ms. Default 1000. */
  initialDelayMs: number;
  /** Upper bound of every delay, in ms. Default 30000. */
  maxDelayMs: number;
  /** Growth factor per retry. Default 2. */
  multiplier: number;
  /**
   * The original spec's retry count (default 10; `Infinity` never gives up). It sets the
   * default retry budget: the span of its nominal schedule (see {@link giveUpAfterMs}).
   */
  maxAttempts: number;
  /**
   * How long the client keeps trying before it gives up and becomes `failed`, ms: counted from
   * the first failure after the last stable connection (see `minUptimeMs`), across as many
   * attempts as the jitter makes fit. A close by policy (1008, 1009, 1011) within
   * `minUptimeMs` of opening restarts it: the server was reached and objected. Default: the nominal schedule of `maxAttempts` retries
   * ({@link retryBudgetMs}: 1+2+4+8+16+30×5 = 181 s with the other defaults), so whether a
   * client gives up depends on how long the server was gone, not on how short the draws fell.
   * The last retry is moved up to land at the end of the budget.
   */
  giveUpAfterMs: number;
  /**
   * Randomisation of each delay. Default `full`: uniform in [0, nominal). Against a reconnect
   * storm (every client dropped at once by a server restart) full jitter spreads the herd evenly
   * over the whole window and, in AWS's measurements, needs the least total work and time of
   * the four; `none` reproduces the nominal table exactly (1, 2, 4, 8, 16, 30, 30… s).
   */
  jitter: JitterMode;
  /**
   * A connection must stay up this long (ms) before the retry counter resets, so a server that
   * accepts and then drops connections cannot refill the retry budget. Default 5000.
   */
  minUptimeMs: number;
}

/** Defaults from the original spec: 1 s · 2ⁿ⁻¹ capped at 30 s, 10 retries' time, full jitter. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  multiplier: 2,
  maxAttempts: 10,
  giveUpAfterMs: 181_000,
  jitter: 'full',
  minUptimeMs: 5000,
};

/**
 * The time the nominal schedule of `maxAttempts` retries spans, ms: the sum of
 * {@link nominalDelayMs} for retries 1…maxAttempts (Infinity when maxAttempts is).
 */
export function retryBudgetMs(
  options: Pick<BackoffOptions, 'initialDelayMs' | 'maxDelayMs' | 'multiplier' | 'maxAttempts'>,
): number {
  if (!Number.isFinite(options.maxAttempts)) return Number.POSITIVE_INFINITY;
  let total = 0;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    total += nominalDelayMs(attempt, options);
  }
  return total;
}

/** Decorrelated jitter's growth constant, as in the AWS post: `sleep = rand(base, sleep * 3)`. */
const DECORRELATED_GROWTH = 3;

/**
 * The nominal (unjittered) delay before retry `attempt` (1-based):
 * `min(initialDelayMs · multiplier^(attempt−1), maxDelayMs)`.
 */
export function nominalDelayMs(
  attempt: number,
  options: Pick<BackoffOptions, 'initialDelayMs' | 'maxDelayMs' | 'multiplier'>,
): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(options.initialDelayMs * options.multiplier ** exponent, options.maxDelayMs);
}

/**
 * The delay before retry `attempt` (1-based) after applying the jitter mode, in whole ms.
 *
 * - `none`: the nominal delay.
 * - `full`: uniform in [0, nominal).
 * - `equal`: nominal/2 + uniform in [0, nominal/2), i.e. in [nominal/2, nominal).
 * - `decorrelated`: min(max, uniform in [initial, 3 · previous)), where `previous` is the last
 *   delay returned (the initial delay before the first retry).
 *
 * @param previousDelayMs the delay used before the previous retry (decorrelated mode only)
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: Random,
  previousDelayMs: number = options.initialDelayMs,
): number {
  const nominal = nominalDelayMs(attempt, options);
  switch (options.jitter) {
    case 'none':
      return Math.round(nominal);
    case 'full':
      return Math.floor(random() * nominal);
    case 'equal':
      return Math.floor(nominal / 2 + random() * (nominal / 2));
    case 'decorrelated': {
      const base = options.initialDelayMs;
      const upper = Math.max(base, previousDelayMs * DECORRELATED_GROWTH);
      return Math.min(options.maxDelayMs, Math.floor(base + random() * (upper - base)));
    }
  }
}
