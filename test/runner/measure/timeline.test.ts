import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../../src/runner/index.js';
import { FleetTimeline } from '../../../src/runner/measure/timeline.js';

const fleet = (connected: number, reconnecting: number, failed = 0): FleetSnapshot => ({
  total: connected + reconnecting + failed,
  byState: { connecting: 0, connected, reconnecting, disconnected: 0, failed },
  poor: 0,
  polling: 0,
});

describe('FleetTimeline', () => {
  it('keeps one point per step, due at index × step', () => {
    const timeline = new FleetTimeline(2, 8);
    expect(timeline.nextAtSeconds).toBe(0);
    timeline.sample(fleet(10, 0));
    timeline.sample(fleet(7, 3));
    expect(timeline.nextAtSeconds).toBe(4);
    expect(timeline.toSeries()).toEqual({
      stepSeconds: 2,
      connected: [10, 7],
      reconnecting: [0, 3],
      failed: [0, 0],
    });
  });

  it('halves its points at the cap, keeping a one-sample outage (the worst of each pair)', () => {
    const timeline = new FleetTimeline(1, 4);
    timeline.sample(fleet(10, 0));
    timeline.sample(fleet(2, 7, 1));
    timeline.sample(fleet(10, 0));
    timeline.sample(fleet(10, 0));
    expect(timeline.toSeries()).toEqual({
      stepSeconds: 2,
      connected: [2, 10],
      reconnecting: [7, 0],
      failed: [1, 0],
    });
    // The next point is the one at 4 s: sampling goes on at the doubled step without a gap.
    expect(timeline.nextAtSeconds).toBe(4);
  });

  it('stays within its cap over a day of one-second steps', () => {
    const timeline = new FleetTimeline(1, 600);
    let samples = 0;
    while (timeline.nextAtSeconds < 86_400) {
      timeline.sample(fleet(10, 0));
      samples += 1;
    }
    const series = timeline.toSeries();
    expect(series.connected.length).toBeLessThan(600);
    expect(series.stepSeconds).toBe(256);
    // Sampling slows as the step grows: a few thousand snapshots, not 86,400.
    expect(samples).toBeLessThan(3000);
  });

  it("sums the samples of timelines that followed parts of a fleet into the whole fleet's, across merges", () => {
    const counts = fc.tuple(fc.nat(50), fc.nat(50), fc.nat(5));
    fc.assert(
      fc.property(
        fc.array(fc.array(counts, { minLength: 3, maxLength: 3 }), { maxLength: 40 }),
        (steps) => {
          // Three parts of one fleet, sampled at the same instants; the whole fleet alongside.
          const parts = [0, 1, 2].map(() => new FleetTimeline(2, 6, true));
          const whole = new FleetTimeline(2, 6);
          for (const step of steps) {
            step.forEach(([c, r, f], i) => parts[i]!.sample(fleet(c, r, f)));
            const sum = (k: number) => step.reduce((n, part) => n + part[k]!, 0);
            whole.sample(fleet(sum(0), sum(1), sum(2)));
          }
          const sums = parts[0]!.samples!.map((_, i) =>
            parts.reduce((n, part) => n + part.samples![i]!, 0),
          );
          parts[0]!.resample(sums);
          expect(parts[0]!.toSeries()).toEqual(whole.toSeries());
          expect(parts[0]!.nextAtSeconds).toBe(whole.nextAtSeconds);
          expect(parts[0]!.samples).toEqual(sums);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps no samples unless asked, and refuses samples that are not whole', () => {
    const timeline = new FleetTimeline(1, 4);
    timeline.sample(fleet(1, 0));
    expect(timeline.samples).toBeUndefined();
    expect(() => timeline.resample([1, 2])).toThrow(/not whole samples/);
  });
});
