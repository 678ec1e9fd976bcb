import { SimulatedClock, systemClock, type Clock, type TimerHandle } from './clock.js';

// Host timers overflow past 2^31-1 ms (Node fires them after 1 ms instead): a far first timer
// is waited for in steps.
const MAX_HOST_DELAY_MS = 2 ** 31 - 1;

/**
 * A clock whose timers wait in one queue behind a single timer of `base`: for a server that
 * holds a timer or two per socket. On Node a host timer costs about 250 bytes (the Timeout, its
 * boxed times, the handle); a queued one about 100 (a heap entry). Time is `base`'s; timers due
 * at the same moment fire in the order they were set, and never before their time.
 *
 * A callback that throws ends that pass (the error reaches `base`'s timer, as a host timer's
 * would reach the process); the timers after it fire on the next pass, which is armed first.
 */
export class QueuedClock implements Clock {
  readonly #base: Clock;
  /** The queue: its time is the last pass's. */
  readonly #queue: SimulatedClock;
  #armed: TimerHandle | undefined;
  #armedAt = Number.POSITIVE_INFINITY;

  constructor(base: Clock = systemClock) {
    this.#base = base;
    this.#queue = new SimulatedClock(base.now());
  }

  now(): number {
    return this.#base.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = this.#queue.setTimeoutAt(
      this.#queue.dueAfter(delayMs, this.#base.now()),
      callback,
    );
    this.#arm();
    return handle;
  }

  /**
   * A cancelled timer leaves the queue when its time comes; the host timer stays armed while
   * any timer waits. The last one cancelled releases it, so a queue with nothing left to fire
   * does not keep the process alive (a server's shutdown grace, cancelled early, would hold
   * its exit for the whole grace).
   */
  clearTimeout(handle: TimerHandle): void {
    this.#queue.clearTimeout(handle);
    if (this.#armed !== undefined && this.#queue.pendingTimers === 0) {
      this.#base.clearTimeout(this.#armed);
      this.#armed = undefined;
      this.#armedAt = Number.POSITIVE_INFINITY;
    }
  }

  /** Timers set and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.#queue.pendingTimers;
  }

  // Arms the host timer for the first queued timer, unless it is armed for that or earlier.
  #arm(): void {
    const next = this.#queue.nextTimerAt();
    if (next === undefined || next >= this.#armedAt) return;
    if (this.#armed !== undefined) this.#base.clearTimeout(this.#armed);
    this.#armedAt = next;
    const delayMs = Math.min(MAX_HOST_DELAY_MS, Math.max(0, next - this.#base.now()));
    this.#armed = this.#base.setTimeout(this.#pass, delayMs);
  }

  // Fires every timer due by the pass's moment, in order (timers they set too, when due by it).
  readonly #pass = (): void => {
    this.#armed = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    try {
      this.#queue.advanceTo(Math.max(this.#queue.now(), this.#base.now()));
    } finally {
      this.#arm();
    }
  };
}
