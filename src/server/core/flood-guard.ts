import type { Clock } from '../../protocol/index.js';

/**
 * Token bucket over incoming frames: refills `ratePerSecond` tokens a second up to a burst of
 * `burstSeconds` worth. A frame costs one token, a rejected frame more, so a peer that keeps
 * sending garbage is cut off sooner than one that merely chats.
 */
export class FloodGuard {
  readonly #clock: Clock;
  readonly #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #updatedAt: number;

  /**
   * @param ratePerSecond sustained frames per second allowed (default 20)
   * @param burstSeconds how many seconds of frames may arrive at once (default 2)
   */
  constructor(clock: Clock, ratePerSecond = 20, burstSeconds = 2) {
    this.#clock = clock;
    this.#rate = ratePerSecond;
    this.#capacity = Math.max(1, ratePerSecond * burstSeconds);
    this.#tokens = this.#capacity;
    this.#updatedAt = clock.now();
  }

  /** Spends `cost` tokens at `now`; false when the bucket is empty (the peer is flooding). */
  take(cost = 1, now = this.#clock.now()): boolean {
    this.#tokens = this.#refilled(now) - cost;
    this.#updatedAt = now;
    return this.#tokens >= 0;
  }

  /** True when {@link take} at `now` would succeed; spends nothing. */
  allows(cost: number, now: number): boolean {
    return this.#refilled(now) - cost >= 0;
  }

  /** True when one frame of `cost` every `everyMs` never runs the bucket dry. */
  sustains(cost: number, everyMs: number): boolean {
    return this.#capacity >= cost && (this.#rate * everyMs) / 1000 >= 2 * cost;
  }

  #refilled(now: number): number {
    const elapsedS = Math.max(0, now - this.#updatedAt) / 1000;
    return Math.min(this.#capacity, this.#tokens + elapsedS * this.#rate);
  }
}
