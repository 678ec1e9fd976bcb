import type { Clock } from '../../client/index.js';
import { FleetRecorder, type FleetSnapshot, type TrendMetric } from '../../runner/index.js';
import { Reading, type ShardMeeting } from './meeting.js';

/**
 * The recorder of one shard of a simulated fleet: it follows the shard's own clients, but what
 * the run reads off the fleet while it goes on (the counts by state for probes, progress and the
 * timeline, alerts undelivered and published) is the whole fleet's, summed over the shards as
 * they meet. At {@link finish} shard 0 takes in every other shard's recording, and from then on
 * reads as the recorder of the whole fleet; the others' reports are not used.
 */
export class ShardRecorder extends FleetRecorder {
  readonly #shard: ShardMeeting;
  readonly #clock: Clock;
  #merged = false;
  /** The fleet's published alerts as last summed, and when (virtual ms). */
  #published: { at: number; count: number } | undefined;

  constructor(
    clock: Clock,
    shard: ShardMeeting,
    options: { histograms?: readonly TrendMetric[] } = {},
  ) {
    super(clock, options);
    this.#clock = clock;
    this.#shard = shard;
  }

  override snapshot(): FleetSnapshot {
    const own = super.snapshot();
    if (this.#merged) return own;
    const s = this.#shard.meet(Reading.SNAPSHOT, [
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
    return this.#merged ? own : this.#shard.meet(Reading.UNDELIVERED, [own])[0]!;
  }

  override get publishedCount(): number {
    const own = super.publishedCount;
    if (this.#merged) return own;
    // The progress line reads it right after the counts, at the same virtual time: one meeting.
    const now = this.#clock.now();
    if (this.#published?.at === now) return this.#published.count;
    const count = this.#shard.meet(Reading.PUBLISHED, [own])[0]!;
    this.#published = { at: now, count };
    return count;
  }

  override finish(): number {
    // A last meeting, so a stop asked for during the rollbacks reaches every shard's verdict.
    this.#shard.meet(Reading.LAST, []);
    const endAt = super.finish();
    const all = this.#shard.gather(this.exportRecording());
    if (all !== undefined) this.mergeRecordings(all.slice(1));
    this.#merged = true;
    return endAt;
  }
}
