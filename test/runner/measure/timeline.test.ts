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
});
