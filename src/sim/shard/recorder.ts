import type { Clock } from '../../client/index.js';
import { FleetRecorder, type FleetSnapshot, type TrendMetric } from '../../runner/index.js';
import type { ShardSync } from './sync.js';

/** What a meeting of the shards reads (every shard must read the same at the same time). */
export enum Reading {
  SNAPSHOT = 1,
  UNDELIVERED = 2,
  PUBLISHED = 3,
  RECONNECT_STOPPED = 4,
  /** Whether a harness call has settled (see `SimHarness`). */
  SETTLED = 5,
}

/**
 * The recorder of one shard of a simulated fleet: it follows the shard's own clients, but what
 * the run reads off the fleet while it goes on (the counts by state for probes, progress and the
 * timeline, alerts undelivered and published) is the whole fleet's, summed over the shards as
 * they meet ({@link ShardSync.sum}). At {@link finish} shard 0 takes in every other shard's
 * recording, and from then on reads as the recorder of the whole fleet; the others' reports
 * are not used.
 */
export class ShardRecorder extends FleetRecorder {
  readonly #sync: ShardSync;
  readonly #clock: Clock;
  readonly #onAbort: () => void;
  #merged = false;
  /** The fleet's published alerts as last summed, and when (virtual ms). */
  #published: { at: number; count: number } | undefined;

  /**
   * @param onAbort called (in every shard at the same meeting) once the parent asked to stop
   */
  constructor(
    clock: Clock,
    sync: ShardSync,
    onAbort: () => void,
    options: { histograms?: readonly TrendMetric[] } = {},
  ) {
    super(clock, options);
    this.#clock = clock;
    this.#sync = sync;
    this.#onAbort = onAbort;
  }

  override snapshot(): FleetSnapshot {
    const own = super.snapshot();
    if (this.#merged) return own;
    const s = this.sum(Reading.SNAPSHOT, [
      own.total,
      own.byState.connecting,
      own.byState.connected,
      own.byState.reconnecting,
      own.byState.disconnected,
      own.byState.failed,
      own.poor,
      own.polling,
      super.publishedCount,
    ]);
    this.#published = { at: this.#clock.now(), count: s[8]! };
    return {
      total: s[0]!,
      byState: {
        connecting: s[1]!,
        connected: s[2]!,
        reconnecting: s[3]!,
        disconnected: s[4]!,
        failed: s[5]!,
      },
      poor: s[6]!,
      polling: s[7]!,
    };
  }

  override undelivered(): number {
    const own = super.undelivered();
    return this.#merged ? own : this.sum(Reading.UNDELIVERED, [own])[0]!;
  }

  override get publishedCount(): number {
    const own = super.publishedCount;
    if (this.#merged) return own;
    // The progress line reads it right after the counts, at the same virtual time: one meeting.
    const now = this.#clock.now();
    if (this.#published?.at === now) return this.#published.count;
    const count = this.sum(Reading.PUBLISHED, [own])[0]!;
    this.#published = { at: now, count };
    return count;
  }

  override finish(): number {
    const endAt = super.finish();
    const all = this.#sync.gather(this.exportRecording());
    if (all !== undefined) this.mergeRecordings(all.slice(1));
    this.#merged = true;
    return endAt;
  }

  /** Sums `values` over the shards (see {@link ShardSync.sum}), acting on an abort. */
  sum(reading: Reading, values: readonly number[]): Float64Array {
    const { sums, abort } = this.#sync.sum(values, this.#clock.now(), reading);
    if (abort) this.#onAbort();
    return sums;
  }
}
