import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTripMs, SimulatedClock } from '../../src/client/index.js';
import { RoundTrips } from '../../src/sim/link/round-trips.js';

/** Pings every `intervalMs` from `firstSentAt` (as the clock steps them), with these arrivals. */
function heartbeat(clock: SimulatedClock, firstSentAt: number, intervalMs: number, rtts: number[]) {
  const sentAt: number[] = [];
  let t = firstSentAt;
  for (let i = 0; i < rtts.length; i++) {
    sentAt.push(t);
    t = clock.dueAfter(intervalMs, t);
  }
  return { sentAt, arrivedAt: sentAt.map((s, i) => s + rtts[i]!) };
}

describe('RoundTrips', () => {
  it('gives back every arrival and round trip bit for bit, in runs or not', () => {
    fc.assert(
      fc.property(
        // Clocks far from 0 (the simulator's) and near it, where sent + rtt may round.
        fc.constantFrom(Date.UTC(2025, 0, 1), 0, 0.1, 3.3),
        fc.constantFrom(5_000, 30_000, 0.7),
        fc.array(
          fc.oneof(fc.constantFrom(1.2, 10, 0.1), fc.double({ min: 0, max: 9_000, noNaN: true })),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (start, intervalMs, rtts) => {
          const clock = new SimulatedClock(start);
          const { sentAt, arrivedAt } = heartbeat(clock, start, intervalMs, rtts);
          const trips = new RoundTrips();
          for (let i = 0; i < rtts.length; i++) trips.add(sentAt[i]!, arrivedAt[i]!);
          expect(trips.count).toBe(rtts.length);
          const taken = trips.take(clock, intervalMs);
          expect(taken?.arrivedAt).toEqual(arrivedAt);
          expect(taken?.rttMs).toEqual(sentAt.map((s, i) => roundTripMs(s, arrivedAt[i]!)));
          expect(trips.count).toBe(0);
          expect(trips.take(clock, intervalMs)).toBeUndefined();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps an arrival its send time cannot give back exactly as it is', () => {
    // A tie in both roundings: 2^-53 + ((1 + 2^-52) - 2^-53) is 1, not 1 + 2^-52.
    const clock = new SimulatedClock(0);
    const trips = new RoundTrips();
    const sent = 2 ** -53;
    const arrival = 1 + 2 ** -52;
    expect(sent + (arrival - sent)).not.toBe(arrival);
    trips.add(sent, arrival);
    trips.add(5 + sent, 5 + sent + 2);
    expect(trips.take(clock, 5)).toEqual({
      arrivedAt: [arrival, 5 + sent + 2],
      rttMs: [roundTripMs(sent, arrival), 2],
    });
  });

  it('starts again from the next send after a take', () => {
    const clock = new SimulatedClock(1_000);
    const trips = new RoundTrips();
    trips.add(1_000, 1_010);
    trips.add(6_000, 6_010);
    expect(trips.take(clock, 5_000)?.arrivedAt).toEqual([1_010, 6_010]);
    trips.add(11_000, 11_020);
    expect(trips.take(clock, 5_000)).toEqual({ arrivedAt: [11_020], rttMs: [20] });
  });
});
