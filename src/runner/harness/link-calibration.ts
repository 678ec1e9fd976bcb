import type { Clock, TimerHandle } from '../../protocol/index.js';

// Round trips kept; their median is the machine's own round trip now.
const WINDOW = 9;
// A round trip every this many ms of real time: cheap, and often enough to follow load.
const EVERY_MS = 200;
// A round trip slower than this is no longer the machine's own (the server is down).
const TIMEOUT_MS = 2000;

/**
 * Measures the machine's own round trip while a run goes on: `GET /healthz` on the alert
 * server over a kept-alive loopback connection, five times a second. Scaled time shrinks the
 * delays a scenario injects, not this: a pong that took 5 ms on loopback is 5 ms at any
 * timeScale (see {@link ownAwareRttMs}).
 */
export class LinkCalibration {
  readonly #url: string;
  readonly #clock: Clock;
  readonly #samples: number[] = [];
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(httpUrl: string, clock: Clock) {
    this.#url = `${httpUrl}/healthz`;
    this.#clock = clock;
  }

  start(): void {
    this.#schedule(0);
  }

  /** The median of the latest round trips, ms; 0 before the first. */
  ownRttMs(): number {
    if (this.#samples.length === 0) return 0;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => void this.#measure(), delayMs);
  }

  async #measure(): Promise<void> {
    const started = performance.now();
    try {
      const response = await fetch(this.#url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.ok) {
        this.#samples.push(performance.now() - started);
        if (this.#samples.length > WINDOW) this.#samples.shift();
      }
    } catch {
      // The server is restarting or gone: no sample, the previous ones stand.
    }
    this.#schedule(EVERY_MS);
  }
}

/**
 * A round trip of `rttMs` in scenario time, ms × timeScale (what the recorder stores; reports
 * divide by timeScale): the machine's own part (`ownMs`) is real time at any scale, only the
 * excess over it is scaled. So `reported = min(rtt, own) + max(0, rtt − own) / timeScale`: a
 * 5 ms loopback pong reads 5 ms at 0.05 (not 100 ms), and 600 ms of injected latency at 0.05
 * still reads 12 s.
 */
export function ownAwareRttMs(rttMs: number, ownMs: number, timeScale: number): number {
  const own = Math.max(0, ownMs);
  return Math.min(rttMs, own) * timeScale + Math.max(0, rttMs - own);
}
