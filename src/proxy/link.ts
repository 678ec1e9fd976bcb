import type { Socket } from 'node:net';
import type { Clock, RandomSource } from './clock.js';
import type { Direction, ToxicEntry } from './toxic-entry.js';
import { noop } from './toxics/noop.js';
import type { Chunk, Leftovers, StageContext, ToxicStage, ToxicState } from './toxics/toxic.js';

/** Byte counters for one proxy and direction; the link adds to them as data moves. */
export interface TrafficCounter {
  receivedBytes: number;
  sentBytes: number;
}

/** Bytes held inside a link before reading from the source pauses. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Reading resumes once the link holds no more than this. */
const LOW_WATER_BYTES = 1024 * 1024;

/** What a {@link Link} needs from its connection. */
export interface LinkOptions {
  readonly direction: Direction;
  readonly source: Socket;
  readonly dest: Socket;
  /** The proxy's toxics for this direction when the connection opened, in chain order. */
  readonly toxics: readonly ToxicEntry[];
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly counter: TrafficCounter;
  /** The stream ended (source EOF or a toxic closed it): the connection sends its FIN. */
  readonly onFinish: () => void;
  /** A toxic asked for a TCP reset. */
  readonly onReset: () => void;
}

interface Slot {
  readonly entry: ToxicEntry;
  stage: ToxicStage;
  attached: boolean;
}

/**
 * One direction of one connection: source socket → chain of toxic stages → destination socket
 * (Toxiproxy's `ToxicLink`). The chain is edited live as toxics are added, updated or removed;
 * each stage looks up its successor when it emits, so edits take effect on data already inside.
 * Back-pressure: reading pauses while the destination needs a drain or the link holds too much.
 */
export class Link {
  readonly direction: Direction;
  readonly #options: LinkOptions;
  readonly #slots: Slot[] = [];
  /** Detached stages that may still hold a timer (an armed reset); disposed on abort. */
  readonly #retired: ToxicStage[] = [];
  readonly #states = new Map<string, ToxicState>();
  #inputOpen = true;
  #finished = false;
  #paused = true;
  #awaitingDrain = false;
  #heldBytes = 0;

  constructor(options: LinkOptions) {
    this.direction = options.direction;
    this.#options = options;
    for (const entry of options.toxics) this.#slots.push(this.#createSlot(entry));
    options.source.on('data', this.#onData);
  }

  /** True once the stream's end reached the destination (or the link was aborted). */
  get finished(): boolean {
    return this.#finished;
  }

  /** Starts reading from the source. */
  start(): void {
    this.#paused = false;
    this.#options.source.resume();
  }

  /** The source ended or went away: no more input; the end travels down the chain. */
  endInput(): void {
    if (!this.#inputOpen) return;
    this.#inputOpen = false;
    this.#options.source.off('data', this.#onData);
    this.#options.source.pause();
    this.#endAt(0);
  }

  /** The destination is gone: drop whatever is still in flight and finish. */
  destinationClosed(): void {
    this.#finish();
  }

  /** Stops everything at once (connection destroyed or reset); no further callbacks. */
  abort(): void {
    this.#inputOpen = false;
    this.#finished = true;
    this.#options.source.off('data', this.#onData);
    for (const slot of this.#slots) {
      slot.attached = false;
      slot.stage.dispose();
    }
    for (const stage of this.#retired) stage.dispose();
    this.#slots.length = 0;
    this.#retired.length = 0;
  }

  /** Appends a toxic at the end of the chain (nearest the destination), as Toxiproxy does. */
  addToxic(entry: ToxicEntry): void {
    if (this.#finished) return;
    this.#slots.push(this.#createSlot(entry));
  }

  /** Replaces a toxic's stage with one for `entry`, re-deciding toxicity; state carries over. */
  updateToxic(entry: ToxicEntry): void {
    const index = this.#slots.findIndex((slot) => slot.entry.name === entry.name);
    if (index < 0 || this.#finished) return;
    const old = this.#slots[index]!;
    old.attached = false;
    const leftovers = old.stage.detach('update');
    this.#retired.push(old.stage);
    this.#slots[index] = this.#createSlot(entry);
    // What the old stage held goes on past the new one, as Toxiproxy flushes on interrupt.
    this.#forward(index + 1, leftovers);
  }

  /** Takes a toxic out of the chain; what it held is passed on at once. */
  removeToxic(name: string): void {
    const index = this.#slots.findIndex((slot) => slot.entry.name === name);
    if (index < 0) return;
    const slot = this.#slots[index]!;
    slot.attached = false;
    const leftovers = slot.stage.detach('remove');
    this.#retired.push(slot.stage);
    this.#slots.splice(index, 1);
    this.#states.delete(name);
    if (!this.#finished) this.#forward(index, leftovers);
  }

  #forward(index: number, leftovers: Leftovers): void {
    for (const chunk of leftovers.chunks) this.#writeAt(index, chunk);
    if (leftovers.ended) this.#endAt(index);
  }

  #createSlot(entry: ToxicEntry): Slot {
    let state = this.#states.get(entry.name);
    if (state === undefined) {
      state = {};
      this.#states.set(entry.name, state);
    }
    const slot: Slot = { entry, stage: undefined as unknown as ToxicStage, attached: true };
    const context: StageContext = {
      clock: this.#options.clock,
      random: this.#options.random,
      emit: (chunk) => {
        if (slot.attached) this.#writeAt(this.#slots.indexOf(slot) + 1, chunk);
        else this.#release(chunk.data.length);
      },
      emitEnd: () => {
        if (slot.attached) this.#endAt(this.#slots.indexOf(slot) + 1);
      },
      discard: (bytes) => this.#release(bytes),
      reset: () => this.#options.onReset(),
    };
    // Toxicity is decided once per connection and direction (and again on update).
    const applies = this.#options.random() < entry.toxicity;
    slot.stage = applies
      ? entry.kind.createStage(entry.attributes, context, state)
      : noop.createStage({}, context, state);
    return slot;
  }

  readonly #onData = (data: Buffer): void => {
    this.#options.counter.receivedBytes += data.length;
    this.#heldBytes += data.length;
    this.#writeAt(0, { data, timestamp: this.#options.clock.now() });
    if (this.#heldBytes > HIGH_WATER_BYTES) this.#pause();
  };

  #writeAt(index: number, chunk: Chunk): void {
    const slot = this.#slots[index];
    if (slot !== undefined) slot.stage.write(chunk);
    else this.#deliver(chunk);
  }

  #endAt(index: number): void {
    const slot = this.#slots[index];
    if (slot !== undefined) slot.stage.end();
    else this.#finish();
  }

  #deliver(chunk: Chunk): void {
    const dest = this.#options.dest;
    this.#release(chunk.data.length);
    if (this.#finished || dest.destroyed || dest.writableEnded) return;
    this.#options.counter.sentBytes += chunk.data.length;
    if (!dest.write(chunk.data) && !this.#awaitingDrain) {
      this.#awaitingDrain = true;
      this.#pause();
      dest.once('drain', () => {
        this.#awaitingDrain = false;
        this.#maybeResume();
      });
    }
  }

  #release(bytes: number): void {
    this.#heldBytes -= bytes;
    if (this.#paused) this.#maybeResume();
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#options.source.pause();
  }

  #maybeResume(): void {
    if (!this.#inputOpen || this.#awaitingDrain || this.#heldBytes > LOW_WATER_BYTES) return;
    if (!this.#paused) return;
    this.#paused = false;
    this.#options.source.resume();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#options.onFinish();
  }
}
