import type { Clock } from '../../client/index.js';
import type { ShardSync } from './sync.js';

/** What a meeting of the shards reads (every shard must read the same at the same time). */
export enum Reading {
  SNAPSHOT = 1,
  UNDELIVERED = 2,
  PUBLISHED = 3,
  RECONNECT_STOPPED = 4,
  /** Whether a harness call has settled (see `SimHarness`). */
  SETTLED = 5,
  /** The last meeting of a run: only the abort request is read. */
  LAST = 6,
}

/** One shard's side of the meetings, as the recorder and the harness use it. */
export interface ShardMeeting {
  readonly index: number;
  readonly count: number;
  /**
   * Sums `values` over the shards at this virtual time ({@link ShardSync.sum}); when the
   * parent asked to stop, calls the run's abort (in every shard at the same meeting).
   */
  meet(reading: Reading, values: readonly number[]): Float64Array;
  /** Hands this shard's value to shard 0 (see {@link ShardSync.gather}). */
  gather<T>(value: T): T[] | undefined;
}

/** The meetings of the shard `sync` links, on its virtual `clock`, aborting with `onAbort`. */
export function createShardMeeting(
  sync: ShardSync,
  clock: Clock,
  onAbort: () => void,
): ShardMeeting {
  return {
    index: sync.index,
    count: sync.count,
    meet: (reading, values) => {
      const { sums, abort } = sync.sum(values, clock.now(), reading);
      if (abort) onAbort();
      return sums;
    },
    gather: (value) => sync.gather(value),
  };
}
