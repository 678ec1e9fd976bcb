import type { Clock, Random, TimerHandle } from '../../client/index.js';
import { STAGE_FACTORIES, type SimToxic, type Stage, type StageContext } from '../toxics/index.js';
import { endFrame, type Frame } from './frame.js';

/** What every pipe of a simulated network shares. */
export interface LinkEnvironment {
  readonly clock: Clock;
  /** Seeded: toxicity draws, jitter, slicer sizes. */
  readonly random: Random;
  /** One-way latency of the bare link at `nowMs` (loopback plus any sim.latency), ms. */
  oneWayMs(nowMs: number): number;
}

interface Slot {
  readonly name: string;
  readonly stage: Stage;
}

/** The far end of a pipe: where its frames arrive, and who hears a toxic's TCP reset. */
export interface PipeReceiver {
  /** A frame reached the far end. */
  arrive(frame: Frame): void;
  /** A toxic asked for a TCP reset of the whole connection. */
  resetLink(): void;
}

/**
 * One direction of one simulated connection: frames go through the toxics of that direction
 * (in the order they were added, as Toxiproxy chains them), then the link's own latency, and
 * reach the far end in order. One clock timer per pipe at a time, for the frame at the head.
 */
export class Pipe {
  readonly #env: LinkEnvironment;
  readonly #receiver: PipeReceiver;
  readonly #slots: Slot[] = [];
  /** Removed stages that still hold a timer (an armed reset). */
  readonly #retired: Stage[] = [];
  /** What the toxics' stages are handed; made with the first toxic (most pipes have none). */
  #context: StageContext | undefined;
  #queue: Frame[] = [];
  #head = 0;
  #timer: TimerHandle | undefined;
  #lastArriveAt = Number.NEGATIVE_INFINITY;
  /** An end has been written: nothing follows it. */
  #ended = false;
  /** Torn down (reset or disposed): nothing is delivered any more. */
  #closed = false;
  #writing = false;
  #endRequested = false;

  /** @param receiver the far end: each frame as it arrives, and a toxic's reset */
  constructor(env: LinkEnvironment, receiver: PipeReceiver) {
    this.#env = env;
    this.#receiver = receiver;
  }

  #stageContext(): StageContext {
    return (this.#context ??= {
      clock: this.#env.clock,
      random: this.#env.random,
      end: () => {
        // Ends requested while a frame passes go after that frame.
        if (this.#writing) this.#endRequested = true;
        else this.#endHere();
      },
      reset: () => this.#receiver.resetLink(),
    });
  }

  /** Nothing in flight, no toxic (live or retired), open: a frame written now only travels. */
  get idle(): boolean {
    return (
      this.#head === this.#queue.length &&
      this.#slots.length === 0 &&
      this.#retired.length === 0 &&
      !this.#ended &&
      !this.#closed
    );
  }

  /**
   * When a frame written at `nowMs` on an {@link idle} pipe arrives (as {@link write} computes
   * it), the last frame before it having arrived at `lastArriveAt` (by default, the last one).
   */
  arrivalFor(nowMs: number, lastArriveAt = this.#lastArriveAt): number {
    const atMs = nowMs + this.#env.oneWayMs(nowMs);
    return atMs > lastArriveAt ? atMs : lastArriveAt;
  }

  /** When the last frame arrived (or will). */
  get lastArrival(): number {
    return this.#lastArriveAt;
  }

  /** Records a frame that arrived at `arriveAt` without being written (an echoed ping). */
  passed(arriveAt: number): void {
    this.#lastArriveAt = arriveAt;
  }

  /** Delivers what is due now instead of waiting for the head frame's timer. */
  fireNow(): void {
    if (this.#timer !== undefined) this.#env.clock.clearTimeout(this.#timer);
    this.#fire();
  }

  /** Adds a toxic at the end of the chain; toxicity is drawn once for this pipe. */
  addToxic(toxic: SimToxic): void {
    if (this.#closed) return;
    if (!(this.#env.random() < toxic.toxicity)) return;
    const factory = STAGE_FACTORIES[toxic.type as keyof typeof STAGE_FACTORIES];
    const stage = factory(toxic.attributes, this.#stageContext());
    this.#slots.push({ name: toxic.name, stage });
  }

  /**
   * Takes a toxic out. Frames it was holding are released at once (they arrive one link
   * latency from now unless due earlier), as the proxy flushes a removed stage.
   */
  removeToxic(name: string): void {
    const index = this.#slots.findIndex((slot) => slot.name === name);
    if (index < 0) return;
    const [slot] = this.#slots.splice(index, 1);
    if (slot === undefined) return;
    const ends = slot.stage.detach();
    if (slot.stage.pending()) this.#retired.push(slot.stage);
    if (this.#closed) return;
    this.#flush();
    if (ends) this.#endHere();
  }

  /** Sends a frame toward the far end. */
  write(frame: Frame): void {
    if (this.#ended || this.#closed) return;
    const now = this.#env.clock.now();
    let at = now;
    const slots = this.#slots;
    if (slots.length > 0) {
      this.#writing = true;
      for (let i = 0; i < slots.length && at >= 0; i++) at = slots[i]!.stage.pass(frame, at);
      this.#writing = false;
    }
    if (frame.kind === 'end') this.#ended = true;
    if (at >= 0) this.#enqueue(frame, at + this.#env.oneWayMs(now));
    if (this.#endRequested) {
      this.#endRequested = false;
      this.#endHere();
    }
  }

  /** The sender's FIN: goes through the toxics like data (a timeout passes it, reset_peer arms). */
  end(): void {
    this.write(endFrame());
  }

  /** Tears the pipe down: nothing more is delivered; timers are cancelled. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    if (this.#timer !== undefined) this.#env.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
    for (const slot of this.#slots) slot.stage.dispose();
    for (const stage of this.#retired) stage.dispose();
    this.#slots.length = 0;
    this.#retired.length = 0;
  }

  // An end a toxic produced: it skips the remaining stages.
  #endHere(): void {
    if (this.#ended || this.#closed) return;
    this.#ended = true;
    const now = this.#env.clock.now();
    this.#enqueue(endFrame(), now + this.#env.oneWayMs(now));
  }

  #enqueue(frame: Frame, atMs: number): void {
    const arriveAt = atMs > this.#lastArriveAt ? atMs : this.#lastArriveAt;
    this.#lastArriveAt = arriveAt;
    frame.arriveAt = arriveAt;
    this.#queue.push(frame);
    if (this.#queue.length - this.#head === 1) this.#schedule(arriveAt);
  }

  #schedule(arriveAt: number): void {
    if (this.#timer !== undefined) this.#env.clock.clearTimeout(this.#timer);
    this.#timer = this.#env.clock.setTimeout(this.#fire, arriveAt - this.#env.clock.now());
  }

  // Released frames arrive no later than one link latency from now; order is kept.
  #flush(): void {
    const now = this.#env.clock.now();
    const due = now + this.#env.oneWayMs(now);
    let last = Number.NEGATIVE_INFINITY;
    for (let i = this.#head; i < this.#queue.length; i++) {
      const frame = this.#queue[i]!;
      frame.arriveAt = Math.max(last, Math.min(frame.arriveAt, due));
      last = frame.arriveAt;
    }
    if (last > Number.NEGATIVE_INFINITY) this.#lastArriveAt = last;
    if (this.#timer !== undefined) {
      this.#env.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const head = this.#queue[this.#head];
    if (head !== undefined) this.#schedule(head.arriveAt);
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = this.#env.clock.now();
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const frame = queue[this.#head]!;
      // Float sums can leave a due frame a hair in the future.
      if (frame.arriveAt - now > 1e-6) {
        this.#schedule(frame.arriveAt);
        return;
      }
      this.#head += 1;
      if (this.#head === queue.length) {
        queue.length = 0;
        this.#head = 0;
      }
      this.#receiver.arrive(frame);
      if (this.#closed || this.#queue !== queue) return;
    }
  };
}
