import { describe, expect, it } from 'vitest';
import { createSeededRandom, SimulatedClock } from '../../src/client/index.js';
import { LATENCY_STEPS, startSimFault } from '../../src/sim/sim-faults.js';
import type { SimNetwork } from '../../src/sim/network.js';

/** Starts sim.latency on a network that only records the latency function it is given. */
function diurnal(base: number, peak: number, period: number, startAt = 1_000) {
  const clock = new SimulatedClock(startAt);
  let latency: ((nowMs: number) => number) | undefined;
  let max = 0;
  const network = {
    addLatency(fn: (nowMs: number) => number, maxMs: number) {
      latency = fn;
      max = maxMs;
      return () => undefined;
    },
  } as unknown as SimNetwork;
  startSimFault(
    'latency',
    { base, peak, period },
    { clock, random: createSeededRandom(1), network, clients: 1 },
  );
  return { latency: latency!, max };
}

describe('sim.latency', () => {
  it('swings from base to peak and back over a period, in steps of period / 86,400', () => {
    const day = 86_400_000;
    const { latency, max } = diurnal(5, 120, day);
    expect(max).toBe(120);
    expect(latency(1_000)).toBe(5);
    expect(latency(1_000 + day / 2)).toBe(120);
    expect(latency(1_000 + day / 4)).toBeCloseTo(62.5, 9);
    // One step is a second of a day: the value holds through it, then moves.
    const step = day / LATENCY_STEPS;
    const at = 1_000 + 3 * 3_600_000;
    const expected = latency(at);
    expect(expected).toBeCloseTo(5 + (115 * (1 - Math.cos((2 * Math.PI * 3) / 24))) / 2, 9);
    expect(latency(at + step - 0.001)).toBe(expected);
    expect(latency(at + step)).toBeGreaterThan(expected);
    // Periodic, also before the start (a step played back in time).
    expect(latency(at + day)).toBe(expected);
    expect(latency(at - day)).toBe(expected);
    expect(latency(1_000 - step / 2)).toBeCloseTo(5, 6);
  });

  it('keeps its steps relative to the period (a compressed day still swings smoothly)', () => {
    const { latency } = diurnal(0, 100, 2_000, 0);
    const values = new Set<number>();
    for (let t = 0; t < 2_000; t += 1) values.add(latency(t));
    expect(values.size).toBeGreaterThan(900);
    expect(Math.max(...values)).toBe(100);
  });
});
