import type { Scenario } from '../runner/index.js';

/**
 * `--duration D`: the method lasts at least D of scenario time (before timeScale). A final
 * `{ at: D, action: wait, duration: 0s }` step is appended: `at` counts from the start of the
 * method, so a method that already takes longer is unchanged, and a shorter one is followed by
 * a quiet wait (faults with a `duration` still end on time; the publisher keeps publishing).
 * Warm-up before the method and settle, drain and rollbacks after it come on top.
 */
export function extendMethod(scenario: Scenario, durationMs: number): Scenario {
  return {
    ...scenario,
    method: [...scenario.method, { line: 0, atMs: durationMs, action: 'wait', durationMs: 0 }],
  };
}
