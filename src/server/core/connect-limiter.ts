import type { Clock } from '../../protocol/index.js';
import type { Admission } from '../broker/broker.js';

export type { Admission };

/**
 * Sliding-window limit on connection attempts per user (the original spec: 10 per minute).
 * Each user keeps the times of its admitted attempts inside the window, so memory is bounded
 * by `limit` per active user; users idle for a window are forgotten on the next sweep.
 */
export class ConnectLimiter {
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #attempts = new Map<string, number[]>();
  #lastSweep = 0;

  /**
   * @param limit attempts admitted per window per user (default 10)
   * @param windowMs the window in milliseconds (default 60 000)
   */
  constructor(clock: Clock, limit = 10, windowMs = 60_000) {
    this.#clock = clock;
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Records an attempt by `userId` and says whether it is admitted. Refusals are not recorded. */
  admit(userId: string): Admission {
    const now = this.#clock.now();
    this.#sweep(now);
    const since = now - this.#windowMs;
    const times = (this.#attempts.get(userId) ?? []).filter((t) => t > since);
    if (times.length >= this.#limit) {
      this.#attempts.set(userId, times);
      // The oldest attempt leaves the window at times[0] + windowMs.
      return { ok: false, retryAfterMs: Math.max(1, times[0]! + this.#windowMs - now) };
    }
    times.push(now);
    this.#attempts.set(userId, times);
    return { ok: true };
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#windowMs) return;
    this.#lastSweep = now;
    const since = now - this.#windowMs;
    for (const [user, times] of this.#attempts) {
      if ((times[times.length - 1] ?? 0) <= since) this.#attempts.delete(user);
    }
  }
}
