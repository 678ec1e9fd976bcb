import type { Clock, TimerHandle } from '../../src/proxy/index.js';

interface Timer {
  at: number;
  order: number;
  callback: () => void;
}

/** A clock that moves only when the test advances it. */
export class ManualClock implements Clock {
  #now = 0;
  #order = 0;
  readonly #timers = new Set<Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { at: this.#now + Math.max(0, delayMs), order: this.#order++, callback };
    this.#timers.add(timer);
    return { timer };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.timer as Timer);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers) {
        if (timer.at > target) continue;
        if (
          next === undefined ||
          timer.at < next.at ||
          (timer.at === next.at && timer.order < next.order)
        ) {
          next = timer;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = target;
  }
}
