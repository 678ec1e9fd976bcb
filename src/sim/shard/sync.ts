// How the threads of a sharded simulation agree on what only the whole fleet knows. Each thread
// runs the same scenario on its own part of the fleet, on its own virtual clock; wherever the
// run reads the fleet to decide (a probe, the progress line, a timeline sample) every thread
// reads it at the same virtual time, so they meet there: each puts in its part and all get the
// sum. Nothing else crosses threads until the end, when the parts' recordings go to shard 0.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** Numbers each shard puts in a meeting: the values, then the check, the tag and the abort. */
const SLOTS = 16;
/** Numbers one {@link ShardSync.sum} adds at most. */
export const SUM_WIDTH = SLOTS - 3;
const CHECK = SLOTS - 3;
const TAG = SLOTS - 2;
const ABORT_SEEN = SLOTS - 1;

// Int32 slots of the control buffer.
const ARRIVED = 0;
const GENERATION = 1;
/** Set by the parent: stop the run (Ctrl-C). */
const ABORT = 2;
/** Set by the parent: a shard failed, so no meeting will ever be complete. */
const FAILED = 3;
/** Messages posted to shard 0 so far (the recordings at the end). */
const POSTED = 4;
const CONTROL_SLOTS = 5;

/** How long a waiting shard sleeps between checks that the run has not failed, ms. */
const WAIT_SLICE_MS = 250;

/** What the parent shares with every shard of one run (cloneable, except the ports). */
export interface ShardLink {
  index: number;
  count: number;
  /** {@link createShardLinks}' control words. */
  control: SharedArrayBuffer;
  /** Two banks of count × 16 numbers, used in turn. */
  values: SharedArrayBuffer;
  /** Shard 0: a port from each other shard, in order; any other shard: its port to shard 0. */
  ports: MessagePort[];
}

/** Why a shard stopped waiting for the others. */
export class ShardSyncError extends Error {
  readonly code = 'SIM_SHARD_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ShardSyncError';
  }
}

/**
 * The links of a run of `count` shards, and the parent's handles on them: `abort()` stops every
 * shard at the next meeting (all at the same virtual time), `fail()` wakes the waiting ones to
 * throw (a shard died: the others would wait for it forever).
 */
export function createShardLinks(
  count: number,
  channel: () => { port1: MessagePort; port2: MessagePort },
): { links: ShardLink[]; abort: () => void; fail: () => void } {
  const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const values = new SharedArrayBuffer(2 * count * SLOTS * Float64Array.BYTES_PER_ELEMENT);
  const links: ShardLink[] = [];
  const toFirst: MessagePort[] = [];
  for (let i = 0; i < count; i++) {
    const ports: MessagePort[] = [];
    if (i > 0) {
      const { port1, port2 } = channel();
      toFirst.push(port1);
      ports.push(port2);
    }
    links.push({ index: i, count, control, values, ports });
  }
  links[0]!.ports.push(...toFirst);
  const words = new Int32Array(control);
  const raise = (slot: number) => {
    Atomics.store(words, slot, 1);
    Atomics.notify(words, GENERATION);
    Atomics.notify(words, POSTED);
  };
  return { links, abort: () => raise(ABORT), fail: () => raise(FAILED) };
}

/** One shard's side of the meetings (see the file's head). */
export class ShardSync {
  readonly index: number;
  readonly count: number;
  readonly #words: Int32Array;
  readonly #values: Float64Array;
  readonly #ports: MessagePort[];
  #meetings = 0;
  #failure: ShardSyncError | undefined;

  constructor(link: ShardLink) {
    this.index = link.index;
    this.count = link.count;
    this.#words = new Int32Array(link.control);
    this.#values = new Float64Array(link.values);
    this.#ports = link.ports;
  }

  /**
   * Sums `values` (at most {@link SUM_WIDTH}) over every shard: blocks until each shard has
   * put in its own, then returns the sums, and whether the parent asked to abort (the same
   * answer in every shard, so all stop at the same virtual time).
   *
   * Every shard must meet for the same reading at the same virtual time: `tag` names the reading
   * and `at` is the shard's virtual time. A shard that finds another's different throws
   * {@link ShardSyncError}: the shards no longer run the same scenario in step, and their sums
   * would mean nothing.
   */
  sum(values: readonly number[], at = 0, tag = 0): { sums: Float64Array; abort: boolean } {
    if (values.length > SUM_WIDTH) {
      throw new RangeError(`ShardSync.sum: at most ${SUM_WIDTH} numbers, got ${values.length}`);
    }
    this.#checkFailed();
    // Two banks in turn: a shard may start the next meeting while another still reads this
    // one's, but not the one after (that needs every shard to have arrived at the next).
    const bank = (this.#meetings & 1) * this.count * SLOTS;
    const slots = this.#values;
    const own = bank + this.index * SLOTS;
    slots.fill(0, own, own + SLOTS);
    for (let i = 0; i < values.length; i++) slots[own + i] = values[i]!;
    slots[own + CHECK] = at;
    slots[own + TAG] = tag;
    // The abort request as this shard saw it, summed like the rest.
    slots[own + ABORT_SEEN] = Atomics.load(this.#words, ABORT);
    this.#meetings += 1;
    this.#meet();
    const sums = new Float64Array(values.length);
    let aborts = 0;
    for (let s = 0; s < this.count; s++) {
      const base = bank + s * SLOTS;
      if (slots[base + CHECK] !== at || slots[base + TAG] !== tag) {
        // Every shard stops: none may go on to meet or gather with shards out of step.
        Atomics.store(this.#words, FAILED, 1);
        Atomics.notify(this.#words, GENERATION);
        Atomics.notify(this.#words, POSTED);
        this.#failure = new ShardSyncError(
          `the shards fell out of step at meeting ${this.#meetings}: shard ${this.index} read #${tag} at ${at}, shard ${s} read #${slots[base + TAG]} at ${slots[base + CHECK]}`,
        );
        throw this.#failure;
      }
      for (let i = 0; i < values.length; i++) sums[i]! += slots[base + i]!;
      aborts += slots[base + ABORT_SEEN]!;
    }
    return { sums, abort: aborts > 0 };
  }

  /**
   * Hands `value` to shard 0: there, returns every shard's value in shard order (its own first),
   * once all arrived; elsewhere, posts it and returns undefined.
   */
  gather<T>(value: T): T[] | undefined {
    this.#checkFailed();
    if (this.index > 0) {
      this.#ports[0]!.postMessage(value);
      Atomics.add(this.#words, POSTED, 1);
      Atomics.notify(this.#words, POSTED);
      return undefined;
    }
    const parts: Array<{ message: T } | undefined> = this.#ports.map(() => undefined);
    let missing = parts.length;
    while (missing > 0) {
      // Read before trying the ports: a message posted after the tries changes it, so the wait
      // below returns at once instead of sleeping past it.
      const posted = Atomics.load(this.#words, POSTED);
      this.#ports.forEach((port, k) => {
        if (parts[k] !== undefined) return;
        const received = receiveMessageOnPort(port);
        if (received === undefined) return;
        parts[k] = { message: received.message as T };
        missing -= 1;
      });
      if (missing === 0) break;
      this.#checkFailed();
      Atomics.wait(this.#words, POSTED, posted, WAIT_SLICE_MS);
    }
    return [value, ...parts.map((part) => part!.message)];
  }

  // A barrier: the last shard to arrive opens the next generation; the others sleep until then.
  #meet(): void {
    const words = this.#words;
    const generation = Atomics.load(words, GENERATION);
    if (Atomics.add(words, ARRIVED, 1) === this.count - 1) {
      Atomics.store(words, ARRIVED, 0);
      Atomics.add(words, GENERATION, 1);
      Atomics.notify(words, GENERATION);
      return;
    }
    while (Atomics.load(words, GENERATION) === generation) {
      this.#checkFailed();
      Atomics.wait(words, GENERATION, generation, WAIT_SLICE_MS);
    }
  }

  #checkFailed(): void {
    // This shard's own finding, again, for whatever the run still tries after it.
    if (this.#failure !== undefined) throw this.#failure;
    if (Atomics.load(this.#words, FAILED) !== 0) {
      throw new ShardSyncError('another shard of the simulation failed');
    }
  }
}
