import type { Clock } from '../../client/index.js';
import {
  FleetRecorder,
  FleetTimeline,
  TIMELINE_MAX_POINTS,
  type FleetSnapshot,
  type TrendMetric,
} from '../../runner/index.js';
import { ShardSyncError } from './sync.js';
import { Reading, type ShardMeeting } from './meeting.js';

/**
 * The recorder of one shard of a simulated fleet: it follows the shard's own clients, but what
 * the run reads off the fleet while it goes on (the counts by state for probes, progress and the
 * timeline, alerts undelivered and published) is the whole fleet's, summed over the shards as
 * they meet. The timeline is not read while the run goes on: each shard samples its own clients
 * at the same instants, without meeting, and the samples are summed at the end. At
 * {@link finish} shard 0 takes in every other shard's recording and timeline, and from then on
 * reads as the recorder of the whole fleet; the others' reports are not used.
 */
export class ShardRecorder extends FleetRecorder {
  readonly #shard: ShardMeeting;
  readonly #clock: Clock;
  #merged = false;
  /** The fleet's published alerts as last summed, and when (virtual ms). */
  #published: { at: number; count: number } | undefined;
  #timeline: FleetTimeline | undefined;

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

  // A sample every step of the method (thousands in a day) would be a meeting each: each shard
  // keeps its own samples instead, summed with the others' at the end.
  override createTimeline(stepSeconds: number): FleetTimeline {
    this.#timeline = new FleetTimeline(stepSeconds, TIMELINE_MAX_POINTS, true);
    return this.#timeline;
  }

  override timelineSnapshot(): FleetSnapshot {
    return super.snapshot();
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
    const all = this.#shard.gather<ShardPart>({
      recording: this.exportRecording(),
      timeline: this.#timeline?.samples ?? [],
    });
    if (all !== undefined) {
      this.mergeRecordings(all.slice(1).map((part) => part.recording));
      this.#timeline?.resample(sumTimelines(all.map((part) => part.timeline)));
    }
    this.#merged = true;
    return endAt;
  }
}

/** What each shard hands shard 0 at the end. */
interface ShardPart {
  recording: ReturnType<FleetRecorder['exportRecording']>;
  /** The shard's timeline samples ({@link FleetTimeline.samples}). */
  timeline: readonly number[];
}

// The shards sampled their own clients at the same instants: the fleet's samples are the sums.
function sumTimelines(parts: ReadonlyArray<readonly number[]>): number[] {
  const length = parts[0]?.length ?? 0;
  if (parts.some((part) => part.length !== length)) {
    throw new ShardSyncError(
      `the shards sampled the timeline a different number of times (${parts.map((p) => p.length / 3).join(', ')})`,
    );
  }
  const sums = new Array<number>(length).fill(0);
  for (const part of parts) for (let i = 0; i < length; i++) sums[i]! += part[i]!;
  return sums;
}
