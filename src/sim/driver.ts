import type { Clock, SimulatedClock } from '../client/index.js';
import { RunnerError, RunnerErrorCode } from '../runner/index.js';

/** Timers fired between two drains at most, even when none of them started async work. */
const MAX_STEPS_BETWEEN_DRAINS = 4096;

/** Lets every pending microtask (and what they queue) run: one macrotask turn. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs async code (a scenario, a harness call) on a {@link SimulatedClock}, which does not move
 * by itself: fire the next timer, let the microtasks it started settle, repeat until the
 * promise settles.
 *
 * Draining microtasks takes a macrotask turn (about 1 µs), too slow to pay for each of millions
 * of timers, and a fixed number of `await` rounds cannot know how deep a promise chain goes.
 * So the driver drains only after a timer that may have started async work: every timer set
 * through {@link SimDriver.clock} (the runner's sleeps, the publisher) and every callback that
 * calls {@link SimDriver.markAsync} (a token fetch, a session opening, a resume). The clients,
 * links and sessions' own timers are synchronous and run back to back.
 */
export class SimDriver {
  readonly #clock: SimulatedClock;
  #async = false;
  /** Turns taken to drain microtasks. */
  drains = 0;
  /** The clock handed to code that awaits: its timers always drain after they fire. */
  readonly clock: Clock;

  constructor(clock: SimulatedClock) {
    this.#clock = clock;
    this.clock = {
      now: () => clock.now(),
      setTimeout: (callback, delayMs) =>
        clock.setTimeout(() => {
          this.#async = true;
          callback();
        }, delayMs),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    };
  }

  /** The current timer started async work: drain microtasks before the next one fires. */
  markAsync(): void {
    this.#async = true;
  }

  /**
   * Runs `task` to completion in virtual time. Rejects with RUN_START_FAILED when the task
   * waits for something no timer will ever bring (a deadlock).
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    let settled = false;
    const promise = task();
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    const clock = this.#clock;
    await this.#drain();
    while (!settled) {
      this.#async = false;
      let steps = 0;
      while (!this.#async && steps < MAX_STEPS_BETWEEN_DRAINS && clock.step()) steps += 1;
      if (steps === 0 && !this.#async) {
        // No timer left: only pending microtasks can still move the task.
        await this.#drain();
        if (!settled && clock.pendingTimers === 0) {
          throw new RunnerError(
            RunnerErrorCode.START_FAILED,
            'simulation stalled: the scenario waits but no timer is pending',
          );
        }
        continue;
      }
      await this.#drain();
    }
    return promise;
  }

  #drain(): Promise<void> {
    this.drains += 1;
    return drainMicrotasks();
  }
}
