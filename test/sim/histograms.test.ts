// The simulator keeps its trends as streaming histograms: on every library scenario it can run,
// the report's percentiles must agree with an exact run's within the bound the report states,
// everything else must be the same, and the report must stay byte-identical per seed.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, TREND_METRICS, type Scenario } from '../../src/runner/index.js';
import { runOnlyReason, simulate } from '../../src/sim/index.js';

const files = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const loaded = await Promise.all(files.map((f) => loadScenario(`scenarios/${f}`)));
const simulatable = loaded.filter((s) => runOnlyReason(s) === undefined);
/** Reports round seconds to 6 digits. */
const REPORT_ROUNDING_S = 0.5e-6;

describe('simulated trends as streaming histograms', () => {
  it('covers most of the library (the rest is run-only, each for a stated reason)', () => {
    expect(simulatable.length).toBeGreaterThanOrEqual(12);
    for (const scenario of loaded) {
      const reason = runOnlyReason(scenario);
      if (reason !== undefined) expect(reason).toMatch(/use stormwatch run$/);
    }
  });

  it.each(simulatable.map((s) => [s.file, s] as [string, Scenario]))(
    '%s: percentiles within the stated bound of the exact ones, the rest identical',
    { timeout: 120_000 },
    async (_file, scenario) => {
      const streamed = await simulate(scenario);
      const exact = await simulate(scenario, { exactPercentiles: true });
      const bound = streamed.report.simulation?.percentiles;
      expect(bound?.method).toBe('hdr-histogram');
      expect(exact.report.simulation?.percentiles).toBeUndefined();
      // Same run: the histograms only change how percentiles are read.
      expect(streamed.events).toBe(exact.events);
      expect(streamed.report.verdict).toBe(exact.report.verdict);
      expect(streamed.report.alerts).toEqual(exact.report.alerts);
      let compared = 0;
      for (const trend of TREND_METRICS) {
        const read = streamed.report.metrics[trend];
        const want = exact.report.metrics[trend];
        expect(read.count, trend).toBe(want.count);
        expect(read.min, trend).toBe(want.min);
        expect(read.max, trend).toBe(want.max);
        expect(read.avg ?? 0, trend).toBeCloseTo(want.avg ?? 0, 5);
        if (!bound!.trends.includes(trend)) {
          expect(read, `${trend} is kept exact for a windowed threshold`).toEqual(want);
          continue;
        }
        for (const p of ['p50', 'p95', 'p99'] as const) {
          if (want[p] === null) continue;
          const allowed =
            want[p] * bound!.relative + bound!.absoluteSeconds + 2 * REPORT_ROUNDING_S;
          expect(
            Math.abs(read[p]! - want[p]),
            `${trend} ${p}: ${read[p]} vs ${want[p]}`,
          ).toBeLessThanOrEqual(allowed);
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(0);
      // Verdicts of thresholds on percentiles agree too.
      expect(streamed.report.thresholds.map((t) => [t.metric, t.window, t.passed])).toEqual(
        exact.report.thresholds.map((t) => [t.metric, t.window, t.passed]),
      );
      const again = await simulate(scenario);
      expect(JSON.stringify(again.report)).toBe(JSON.stringify(streamed.report));
    },
  );
});
