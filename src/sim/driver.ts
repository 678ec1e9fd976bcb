import type { Clock, SimulatedClock } from '../client/index.js';
import { RunnerError, RunnerErrorCode } from '../runner/index.js';

/** Timers fired between two drains at most, even when none of them started async work. */
const MAX_STEPS_BETWEEN_DRAINS = 4096;

/**
 * Drains between two whole turns of the event loop (messages, signals, I/O, and Node's check for
 * unhandled rejections): a count, not a wall-clock interval, so where turns fall is the same on
 * every run.
 */
const DRAINS_BETWEEN_TURNS = 64;

/**
 * Lets every pending microtask (and what they queue) run. A tick queued from a microtask runs
 * only once the microtask queue is empty, so it settles after every promise chain started before
 * it, however deep, at a fraction of a macrotask turn's cost. (Queued from outside a microtask, a
 * tick runs first: the first drain of a run is a whole turn.)
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
 * The first drain of a run and every {@link DRAINS_BETWEEN_TURNS}th one take a whole turn of the
 * event loop instead (a few µs more), so messages (an abort from another thread), signals and
 * output get through during a long run, and Node reports unhandled rejections. Turns fall at the
 * same drains on every run: nothing the simulation computes depends on the wall clock.
 */
export class SimDriver {
  readonly #clock: SimulatedClock;
  #async = false;
  /** Times microtasks were drained. */
  drains = 0;
  /** Of those, the drains that took a whole turn of the event loop. */
  turns = 0;
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
    // run() may be called from outside a microtask (a host callback): only a whole turn is sure
    // to come after the task's first promise chain.
    await this.#drain(true);
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

  #drain(turn = false): Promise<void> {
    this.drains += 1;
    if (!turn && this.drains % DRAINS_BETWEEN_TURNS !== 0) return afterMicrotasks();
    this.turns += 1;
    return afterTurn();
  }
}
