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
  /** Admitted attempts' times per user: a user with one in the window holds a number, not an array. */
  readonly #attempts = new Map<string, number | number[]>();
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
    const held = this.#attempts.get(userId);
    const times =
      held === undefined
        ? []
        : typeof held === 'number'
          ? held > since
            ? [held]
            : []
          : held.filter((t) => t > since);
    if (times.length >= this.#limit) {
      this.#attempts.set(userId, times);
      return { ok: false, retryAfterMs: Math.max(1, times[0]! + this.#windowMs - now) };
    }
    if (times.length === 0) {
      this.#attempts.set(userId, now);
    } else {
      times.push(now);
      this.#attempts.set(userId, times);
    }
    return { ok: true };
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#windowMs) return;
    this.#lastSweep = now;
    const since = now - this.#windowMs;
    for (const [user, times] of this.#attempts) {
      const last = typeof times === 'number' ? times : (times[times.length - 1] ?? 0);
      if (last <= since) this.#attempts.delete(user);
    }
  }
}
