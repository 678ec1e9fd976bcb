import { roundTripMs, type SimulatedClock } from '../../client/index.js';

/**
 * The round trips of a played heartbeat that completed and that the client has not been told
 * of yet. Their pings left every interval from the first send on (each send time as
 * `clock.dueAfter` steps it), so only the first send time is kept, and each arrival as its
 * round trip, in runs: `[rtt, count, rtt, count, ...]`. On a steady link hundreds of round
 * trips wait per connection in one run. An arrival that its send time plus its round trip does
 * not give back exactly (a clock near 0 with fractional latencies) is kept as `[arrival, -1]`,
 * so {@link take} returns every time bit for bit as it was added.
 */
export class RoundTrips {
  #firstSentAt = 0;
  #count = 0;
  // Made on the first round trip, then reused: nothing in it leaves this object.
  #runs: number[] | undefined;

  /** Round trips waiting. */
  get count(): number {
    return this.#count;
  }

  /** The round trip of the ping sent at `sentAt` (the next of the interval) arrived at `arrivedAt`. */
  add(sentAt: number, arrivedAt: number): void {
    if (this.#count === 0) this.#firstSentAt = sentAt;
    this.#count += 1;
    const runs = (this.#runs ??= []);
    const rtt = arrivedAt - sentAt;
    const last = runs.length - 2;
    if (sentAt + rtt !== arrivedAt) runs.push(arrivedAt, -1);
    else if (last >= 0 && runs[last] === rtt && runs[last + 1]! > 0) runs[last + 1]! += 1;
    else runs.push(rtt, 1);
  }

  /**
   * The waiting round trips as the client takes them (arrival times, and round trips from each
   * send time as {@link roundTripMs} computes them), oldest first; none wait after. Undefined
   * when none wait.
   */
  take(
    clock: SimulatedClock,
    intervalMs: number,
  ): { arrivedAt: number[]; rttMs: number[] } | undefined {
    const count = this.#count;
    const runs = this.#runs;
    if (count === 0 || runs === undefined) return undefined;
    this.#count = 0;
    const arrivedAt = new Array<number>(count);
    const rttMs = new Array<number>(count);
    let sentAt = this.#firstSentAt;
    let i = 0;
    for (let r = 0; r < runs.length; r += 2) {
      const value = runs[r]!;
      const times = runs[r + 1]!;
      if (times < 0) {
        arrivedAt[i] = value;
        rttMs[i] = roundTripMs(sentAt, value);
        sentAt = clock.dueAfter(intervalMs, sentAt);
        i += 1;
        continue;
      }
      for (let k = 0; k < times; k++) {
        const at = sentAt + value;
        arrivedAt[i] = at;
        rttMs[i] = roundTripMs(sentAt, at);
        sentAt = clock.dueAfter(intervalMs, sentAt);
        i += 1;
      }
    }
    runs.length = 0;
    return { arrivedAt, rttMs };
  }
}
