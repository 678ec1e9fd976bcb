import { describe, expect, it } from 'vitest';
import { createSeededRandom, SimulatedClock } from '../../src/client/index.js';
import { Pipe, type Frame } from '../../src/sim/index.js';
import { dataFrame } from '../../src/sim/link/frame.js';
import { PingPlan } from '../../src/sim/link/ping-plan.js';

function link(latency: (t: number) => number) {
  const clock = new SimulatedClock(1_000);
  const arrivals: number[] = [];
  const env = { clock, random: createSeededRandom(1), oneWayMs: latency };
  const receiver = { arrive: (_: Frame) => arrivals.push(clock.now()), resetLink: () => undefined };
  return { clock, arrivals, up: new Pipe(env, receiver), down: new Pipe(env, receiver) };
}

describe('PingPlan', () => {
  it('times a round trip as the pipes deliver it, then the next one an interval later', () => {
    // Latency that changes with time: 5 ms, then 40 ms from t = 31,000.
    const { clock, arrivals, up, down } = link((t) => (t < 31_000 ? 5 : 40));
    const plan = new PingPlan();
    plan.plan(clock, up, down, clock.now(), up.lastArrival, down.lastArrival);
    // The same round trip through the pipes: ping up, then the pong down as it arrives.
    up.write(dataFrame('ping', true));
    clock.runAll();
    down.write(dataFrame('pong', false));
    clock.runAll();
    expect([plan.t0, plan.ts, plan.t1]).toEqual([1_000, arrivals[0], arrivals[1]]);
    expect([plan.ts, plan.t1]).toEqual([1_005, 1_010]);
    plan.planNext(clock, up, down, 30_000);
    expect([plan.t0, plan.ts, plan.t1]).toEqual([31_000, 31_040, 31_080]);
    expect([plan.lastUp, plan.lastDown]).toEqual([1_005, 1_010]);
  });

  it('keeps frame order: a ping never arrives before the frame the pipe carried last', () => {
    const { clock, up, down } = link(() => 5);
    const plan = new PingPlan();
    plan.plan(clock, up, down, clock.now(), 1_050, 1_100);
    expect([plan.ts, plan.t1]).toEqual([1_050, 1_100]);
  });
});
