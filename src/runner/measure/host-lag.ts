import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How much the machine itself distorted a real run, in real milliseconds. */
export interface HostLag {
  /** Event-loop delay of the runner's process (the fleet, and the in-process server). */
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  /**
   * Share of the run's wall time some task waited for a CPU (Linux PSI `cpu some`), 0..1;
   * null where /proc/pressure/cpu does not exist.
   */
  cpuPressure: number | null;
}

// Sampling resolution of the event-loop delay, ms: fine enough that an idle loop reads ~1 ms.
const RESOLUTION_MS = 1;

/** `total` of /proc/pressure/cpu's `some` line, µs stalled since boot; null where absent. */
function cpuStallMicros(): number | null {
  try {
    const text = readFileSync('/proc/pressure/cpu', 'utf8');
    const match = /^some .*total=(\d+)/m.exec(text);
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/**
 * Measures host lag over a run: the event-loop delay of this process (a timer due now runs
 * that late; so does the handling of every frame) and the CPU pressure of the machine.
 */
export class HostLagMonitor {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  #startedAt = 0;
  #stallAtStart: number | null = null;
  #result: HostLag | undefined;

  start(): void {
    this.#startedAt = performance.now();
    this.#stallAtStart = cpuStallMicros();
    this.#histogram.enable();
  }

  /** Stops measuring (idempotent) and returns what was measured. */
  stop(): HostLag {
    if (this.#result !== undefined) return this.#result;
    this.#histogram.disable();
    const h = this.#histogram;
    const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const wallMicros = (performance.now() - this.#startedAt) * 1000;
    const stall = cpuStallMicros();
    this.#result = {
      // The histogram counts the resolution itself as delay: what is above it is lag.
      loopP50Ms: Math.max(0, ms(h.percentile(50)) - RESOLUTION_MS),
      loopP99Ms: Math.max(0, ms(h.percentile(99)) - RESOLUTION_MS),
      loopMaxMs: Math.max(0, ms(h.max) - RESOLUTION_MS),
      cpuPressure:
        stall === null || this.#stallAtStart === null || wallMicros <= 0
          ? null
          : Math.min(1, Math.max(0, (stall - this.#stallAtStart) / wallMicros)),
    };
    return this.#result;
  }
}
