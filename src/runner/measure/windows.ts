import type { ThresholdWindow } from '../scenario/types.js';

/**
 * The run's windows: `fault` runs from the first fault until the method ends; `steady` is
 * the rest (the baseline before any fault and the settle time after the method), the
 * steady-state hypothesis of chaos engineering on both sides of the experiment.
 */
export class RunWindows {
  #firstFaultAt: number | undefined;
  #methodEndAt: number | undefined;

  /** Marks a fault starting at `at` (only the first counts). */
  markFault(at: number): void {
    this.#firstFaultAt ??= at;
  }

  /** Marks the end of the method. */
  markMethodEnd(at: number): void {
    this.#methodEndAt ??= at;
  }

  /** The window of an instant. */
  classify(at: number): 'steady' | 'fault' {
    if (this.#firstFaultAt === undefined || at < this.#firstFaultAt) return 'steady';
    if (this.#methodEndAt !== undefined && at >= this.#methodEndAt) return 'steady';
    return 'fault';
  }

  /** Splits [from, to) into its steady and fault parts, in ms. */
  split(from: number, to: number): { steady: number; fault: number } {
    if (to <= from) return { steady: 0, fault: 0 };
    const faultFrom = this.#firstFaultAt ?? Infinity;
    const faultTo = this.#methodEndAt ?? Infinity;
    const fault = Math.max(0, Math.min(to, faultTo) - Math.max(from, faultFrom));
    return { steady: to - from - fault, fault };
  }

  /** True when `window` includes the instant. */
  includes(window: ThresholdWindow, at: number): boolean {
    return window === 'all' || this.classify(at) === window;
  }

  /** Length of a window within [start, end), ms. */
  length(window: ThresholdWindow, start: number, end: number): number {
    if (window === 'all') return Math.max(0, end - start);
    return this.split(start, end)[window];
  }
}
