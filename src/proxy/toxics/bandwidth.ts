import type { TimerHandle } from '../clock.js';
import {
  attribute,
  type Attributes,
  type Chunk,
  type DetachReason,
  type Leftovers,
  type StageContext,
  type ToxicKind,
  type ToxicStage,
} from './toxic.js';

/** Largest accepted rate in KB/s (1 TB/s); beyond it the toxic would be a no-op anyway. */
const MAX_RATE = 1_000_000_000;

/**
 * `bandwidth`: limits the direction to `rate` KB/s (1 KB = 1000 bytes, as in Toxiproxy). Each
 * piece is released once its transmission time has elapsed; chunks larger than 100 ms worth of
 * bytes go out in 100 ms slices. `rate: 0` passes data unthrottled.
 */
export const bandwidth: ToxicKind = {
  type: 'bandwidth',
  defaults: { rate: 0 },
  validate: (attributes) => {
    const rate = attribute(attributes, 'rate');
    if (rate < 0) return `rate must be >= 0, got ${rate}`;
    if (rate > MAX_RATE) return `rate must be <= ${MAX_RATE}, got ${rate}`;
    return undefined;
  },
  createStage: (attributes, context) => new BandwidthStage(attributes, context),
};

class BandwidthStage implements ToxicStage {
  /** Bytes per millisecond (= KB/s). */
  readonly #rate: number;
  readonly #context: StageContext;
  readonly #queue: Chunk[] = [];
  #timer: TimerHandle | undefined;
  /** When the previous piece finished "transmitting"; the next one starts there or now. */
  #busyUntil = Number.NEGATIVE_INFINITY;
  #endPending = false;

  constructor(attributes: Attributes, context: StageContext) {
    this.#rate = attribute(attributes, 'rate');
    this.#context = context;
  }

  write(chunk: Chunk): void {
    if (this.#endPending) return;
    if (this.#rate === 0) {
      this.#context.emit(chunk);
      return;
    }
    this.#queue.push(chunk);
    if (this.#queue.length === 1 && this.#timer === undefined) this.#pump();
  }

  end(): void {
    this.#endPending = true;
    if (this.#queue.length === 0 && this.#timer === undefined) this.#context.emitEnd();
  }

  detach(_reason: DetachReason): Leftovers {
    this.dispose();
    return { chunks: this.#queue.splice(0), ended: this.#endPending };
  }

  dispose(): void {
    if (this.#timer !== undefined) this.#context.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #pump(): void {
    this.#timer = undefined;
    const clock = this.#context.clock;
    const sliceBytes = this.#rate * 100;
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      const now = clock.now();
      const size = Math.min(head.data.length, sliceBytes);
      const readyAt = Math.max(now, this.#busyUntil) + size / this.#rate;
      if (readyAt - now > 0.5) {
        // Wait for this piece's transmission time; its slot is claimed when the timer fires.
        this.#timer = clock.setTimeout(() => this.#release(size, readyAt), readyAt - now);
        return;
      }
      this.#busyUntil = readyAt;
      this.#emitHead(size);
    }
    if (this.#endPending) this.#context.emitEnd();
  }

  #release(size: number, readyAt: number): void {
    this.#busyUntil = readyAt;
    this.#emitHead(size);
    this.#pump();
  }

  #emitHead(size: number): void {
    const head = this.#queue[0]!;
    if (size >= head.data.length) {
      this.#queue.shift();
      this.#context.emit(head);
      return;
    }
    this.#queue[0] = { data: head.data.subarray(size), timestamp: head.timestamp };
    this.#context.emit({ data: head.data.subarray(0, size), timestamp: head.timestamp });
  }
}
