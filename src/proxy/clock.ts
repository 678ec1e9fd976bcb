/**
 * The proxy's only source of time. Every toxic timer goes through a `Clock`, so tests can drive
 * time by hand. The proxy stands alone, so this is its own small copy rather than an import.
 */
export interface Clock {
  /** Monotonic time in milliseconds (fractional); only differences are meaningful. */
  now(): number;
  /** Runs `callback` once after `delayMs` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque timer handle; only the clock that made it understands it. */
export type TimerHandle = { readonly timer: unknown };

/** Largest delay Node's timers honour; longer delays would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The real clock: `performance.now()` and the host's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => ({
    timer: globalThis.setTimeout(callback, Math.min(Math.max(delayMs, 0), MAX_TIMER_MS)),
  }),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle.timer as ReturnType<typeof globalThis.setTimeout>);
  },
};

/** A source of uniform random numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;
