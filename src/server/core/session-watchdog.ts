import type { Clock, TimerHandle } from '../../protocol/index.js';

// Node timers overflow past 2^31-1 ms; longer waits are re-armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What a session's watchdog waking at `now` does, the last frame having come at `lastFrameAt`:
 * close because the token expired (at `expiresAtMs`; undefined: never) or the socket was silent
 * for `idleTimeoutMs`, or sleep this many ms until the nearer of the two deadlines.
 */
export function watchdogVerdict(
  now: number,
  lastFrameAt: number,
  expiresAtMs: number | undefined,
  idleTimeoutMs: number,
): number | 'expired' | 'idle' {
  const expiresAt = expiresAtMs ?? Infinity;
  if (expiresAt <= now) return 'expired';
  const silentFor = now - lastFrameAt;
  if (silentFor >= idleTimeoutMs) return 'idle';
  return Math.min(expiresAt - now, idleTimeoutMs - silentFor, MAX_TIMER_MS);
}

/** The watchdog's timer as handed to a transport that plays the heartbeat. */
export interface HandedWatchdog {
  /** When it was set, clock ms. */
  from: number;
  /** For how long, ms. */
  wakeIn: number;
  timer: TimerHandle;
}

/**
 * The one timer a session sleeps on between its checks of idleness and token expiry, and where
 * it stands: armed on the clock, or played by a transport that plays the heartbeat (the
 * simulator's links, see `SessionTransport.sleep`), which takes it over with {@link handOver}
 * and gives it back with {@link resume}. A plain object per session (memory per socket).
 */
export class SessionWatchdog {
  readonly #clock: Clock;
  readonly #wake: () => void;
  #timer: TimerHandle | undefined;
  /** When it wakes, clock ms, armed or played; undefined once woken or before the first sleep. */
  #dueAt: number | undefined;
  /** When the armed timer was set, and for how long. */
  #from = 0;
  #wakeIn = 0;

  constructor(clock: Clock, wake: () => void) {
    this.#clock = clock;
    this.#wake = wake;
  }

  /** When it wakes next, clock ms (about: for the simulator's look-ahead). */
  get dueAt(): number | undefined {
    return this.#dueAt;
  }

  /** It woke (its timer fired, or the session looks now): nothing is due. */
  woke(): void {
    this.#timer = undefined;
    this.#dueAt = undefined;
  }

  /**
   * Is due `wakeIn` ms after `now`, with no timer yet: a transport that plays the heartbeat
   * plays it from here, else {@link arm} sets the timer.
   */
  dueIn(now: number, wakeIn: number): void {
    this.#dueAt = now + wakeIn;
  }

  /** Wakes `wakeIn` ms after `now` on a clock timer. */
  arm(now: number, wakeIn: number): void {
    this.#dueAt = now + wakeIn;
    this.#timer = this.#clock.setTimeout(this.#wake, wakeIn);
    this.#from = now;
    this.#wakeIn = wakeIn;
  }

  /**
   * Cancels the armed timer and says when it was set, for how long and which timer it was;
   * undefined when none is armed. When it is due stays known.
   */
  handOver(): HandedWatchdog | undefined {
    const timer = this.#timer;
    if (timer === undefined) return undefined;
    this.#clock.clearTimeout(timer);
    this.#timer = undefined;
    return { from: this.#from, wakeIn: this.#wakeIn, timer };
  }

  /** Takes it back from the transport: armed to wake `wakeIn` ms from now. */
  resume(wakeIn: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    const clock = this.#clock;
    this.#timer = clock.setTimeout(this.#wake, wakeIn);
    this.#from = clock.now();
    this.#wakeIn = wakeIn;
    this.#dueAt = clock.now() + wakeIn;
  }

  /** Stops the timer for good (the session closed). */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
