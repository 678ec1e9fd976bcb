import type { FleetSnapshot } from './recorder.js';

/** The fleet over time, as the report carries it: one point per step from the method's start. */
export interface TimelineSeries {
  /** Scenario seconds between points; point `i` is at `i * stepSeconds`. */
  stepSeconds: number;
  /** Clients connected at each point (the fewest, once points were merged). */
  connected: number[];
  /**
   * Clients trying to get a connection back at each point — waiting out a backoff or in an
   * attempt (`reconnecting` or `connecting`; the most, once merged).
   */
  reconnecting: number[];
  /** Clients failed at each point (the most, once merged). */
  failed: number[];
}

/** Points a timeline keeps at most: a day-long simulation still charts in a few kilobytes. */
export const TIMELINE_MAX_POINTS = 600;

/**
 * Samples the fleet's states at a fixed step of scenario time. Past {@link TIMELINE_MAX_POINTS}
 * it merges neighbouring points and doubles its step, keeping each pair's worst (fewest
 * connected, most reconnecting and failed) so a short outage still shows. Pure bookkeeping:
 * the caller's clock runs {@link sample} at {@link nextAtSeconds}.
 */
export class FleetTimeline {
  readonly #firstStepSeconds: number;
  #stepSeconds: number;
  readonly #maxPoints: number;
  #connected: number[] = [];
  #reconnecting: number[] = [];
  #failed: number[] = [];
  /** Every sample as taken, three numbers each, when kept. */
  readonly #samples: number[] | undefined;

  /**
   * `stepSeconds`: the first step, scenario seconds (default 1). `keepSamples`: also keep every
   * sample as taken (see {@link samples}); their number grows with the run.
   */
  constructor(stepSeconds = 1, maxPoints = TIMELINE_MAX_POINTS, keepSamples = false) {
    this.#firstStepSeconds = stepSeconds;
    this.#stepSeconds = stepSeconds;
    this.#maxPoints = Math.max(2, maxPoints - (maxPoints % 2));
    this.#samples = keepSamples ? [] : undefined;
  }

  /**
   * Every sample as taken, when kept: connected, getting back and failed, three numbers a
   * sample. The samples of timelines that followed parts of one fleet at the same instants add
   * up to the whole fleet's ({@link resample}).
   */
  get samples(): readonly number[] | undefined {
    return this.#samples;
  }

  /**
   * Makes this timeline the one these samples (as {@link samples} gives them) would have made
   * from its first step: the whole fleet's, from the summed samples of its parts.
   */
  resample(samples: readonly number[]): void {
    if (samples.length % 3 !== 0) {
      throw new Error(`FleetTimeline.resample: ${samples.length} numbers are not whole samples`);
    }
    this.#stepSeconds = this.#firstStepSeconds;
    this.#connected = [];
    this.#reconnecting = [];
    this.#failed = [];
    if (this.#samples !== undefined) this.#samples.length = 0;
    for (let i = 0; i < samples.length; i += 3) {
      this.#add(samples[i]!, samples[i + 1]!, samples[i + 2]!);
    }
  }

  /** Scenario seconds between points now (it doubles as points merge). */
  get stepSeconds(): number {
    return this.#stepSeconds;
  }

  /** When the next sample is due, scenario seconds from the first. */
  get nextAtSeconds(): number {
    return this.#connected.length * this.#stepSeconds;
  }

  /** Records the fleet now, as the next point. */
  sample(snapshot: FleetSnapshot): void {
    const { byState } = snapshot;
    // An attempt in progress is part of getting back, not a state of its own on the chart.
    this.#add(byState.connected, byState.reconnecting + byState.connecting, byState.failed);
  }

  #add(connected: number, gettingBack: number, failed: number): void {
    this.#samples?.push(connected, gettingBack, failed);
    this.#connected.push(connected);
    this.#reconnecting.push(gettingBack);
    this.#failed.push(failed);
    if (this.#connected.length >= this.#maxPoints) this.#merge();
  }

  /** The series so far. */
  toSeries(): TimelineSeries {
    return {
      stepSeconds: this.#stepSeconds,
      connected: [...this.#connected],
      reconnecting: [...this.#reconnecting],
      failed: [...this.#failed],
    };
  }

  #merge(): void {
    const pairs = (values: number[], pick: (a: number, b: number) => number): number[] => {
      const merged: number[] = [];
      for (let i = 0; i + 1 < values.length; i += 2) merged.push(pick(values[i]!, values[i + 1]!));
      return merged;
    };
    this.#connected = pairs(this.#connected, Math.min);
    this.#reconnecting = pairs(this.#reconnecting, Math.max);
    this.#failed = pairs(this.#failed, Math.max);
    this.#stepSeconds *= 2;
  }
}
