import type { Clock, SimulatedClock } from '../client/index.js';
import { RunnerError, RunnerErrorCode } from '../runner/index.js';

/** Timers fired between two drains at most, even when none of them started async work. */
const MAX_STEPS_BETWEEN_DRAINS = 4096;

/** Wall milliseconds between two turns of the event loop at most (messages, signals, I/O). */
const MAX_MS_BETWEEN_TURNS = 20;

/**
 * Lets every pending microtask (and what they queue) run. Node runs the next tick callbacks only
 * once the microtask queue is empty, so a tick settles after every promise chain started before
 * it, however deep, at a fraction of a macrotask turn's cost.
 */
function afterMicrotasks(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

/** One turn of the event loop: timers, I/O and messages from other threads get their turn. */
function afterTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs async code (a scenario, a harness call) on a {@link SimulatedClock}, which does not move
 * by itself: fire the next timer, let the microtasks it started settle, repeat until the
 * promise settles.
 *
 * A fixed number of `await` rounds cannot know how deep a promise chain goes, so a drain waits
 * for a tick, which Node runs only once no microtask is left; even so it costs more than a timer,
 * so the driver drains only after a timer that may have started async work: every timer set
 * through {@link SimDriver.clock} (the runner's sleeps, the publisher) and every callback that
 * calls {@link SimDriver.markAsync} (a token fetch, a session opening, a resume). The clients,
 * links and sessions' own timers are synchronous and run back to back. Async work inside the
 * simulation must therefore be promises only: no ticks, host timers or I/O of its own.
 *
 * Every {@link MAX_MS_BETWEEN_TURNS} ms of wall time a drain takes a whole turn of the event loop
 * instead (about 2 µs more), so messages (an abort from another thread), signals and output get
 * through during a long run. Which drains do cannot change what the simulation computes.
 */
export class SimDriver {
  readonly #clock: SimulatedClock;
  #async = false;
  /** Times microtasks were drained. */
  drains = 0;
  #turnAt = performance.now();
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
    const now = performance.now();
    if (now - this.#turnAt < MAX_MS_BETWEEN_TURNS) return afterMicrotasks();
    this.#turnAt = now;
    return afterTurn();
  }
}
