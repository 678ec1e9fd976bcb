import type { TimerHandle } from '../clock.js';
import type { RandomSource } from '../clock.js';
import {
  attribute,
  checkDurations,
  type Attributes,
  type Chunk,
  type DetachReason,
  type Leftovers,
  type StageContext,
  type ToxicKind,
  type ToxicStage,
} from './toxic.js';

/** Delays are in microseconds; cap them at what a Node timer can wait. */
const MAX_DELAY_US = 2_147_483_647_000;

/**
 * `slicer`: cuts each chunk into pieces of about `average_size` ± `size_variation` bytes and
 * waits `delay` µs after each piece. Sub-millisecond delays accumulate, so the average pace
 * holds despite 1 ms timers.
 *
 * Toxiproxy 2.12 accepts any sizes but dies on some: with both sizes 0 its recursive split
 * never shrinks a 1-byte piece (stack overflow), and a `size_variation` above `average_size`
 * can put the split point outside the piece (slice bounds panic, Shopify/toxiproxy#541). Both
 * are accepted here with a warning and slice safely: `average_size` 0 leaves each chunk whole,
 * and pieces never go below 1 byte. Negative sizes are refused.
 */
export const slicer: ToxicKind = {
  type: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  validate: (attributes) => {
    const average = attribute(attributes, 'average_size');
    const variation = attribute(attributes, 'size_variation');
    if (average < 0) return `average_size must be >= 0, got ${average}`;
    if (variation < 0) return `size_variation must be >= 0, got ${variation}`;
    return checkDurations(attributes, ['delay'], MAX_DELAY_US);
  },
  lint: (attributes) => {
    const average = attribute(attributes, 'average_size');
    const variation = attribute(attributes, 'size_variation');
    if (average === 0) return 'slicer average_size 0 passes each chunk through unsliced';
    if (variation >= average) {
      return (
        `slicer size_variation ${variation} is not below average_size ${average}; ` +
        `pieces range from 1 to ${average + variation} bytes`
      );
    }
    return undefined;
  },
  createStage: (attributes, context) => new SlicerStage(attributes, context),
};

/**
 * Piece sizes for `total` bytes: each piece is average ± variation (uniform, at least 1 byte);
 * the remainder becomes the last piece once it fits within average + variation. An average of
 * 0 (or less) leaves the data in one piece.
 */
export function slicePieces(
  total: number,
  averageSize: number,
  sizeVariation: number,
  random: RandomSource,
): number[] {
  if (total <= 0) return [];
  if (averageSize <= 0) return [total];
  const pieces: number[] = [];
  let remaining = total;
  while (remaining > averageSize + sizeVariation) {
    const jitter = Math.floor(random() * (2 * sizeVariation + 1)) - sizeVariation;
    // At least 1 byte, so the loop ends however large the variation is.
    const size = Math.max(1, averageSize + jitter);
    pieces.push(size);
    remaining -= size;
  }
  pieces.push(remaining);
  return pieces;
}

class SlicerStage implements ToxicStage {
  readonly #averageSize: number;
  readonly #sizeVariation: number;
  readonly #delayMs: number;
  readonly #context: StageContext;
  readonly #queue: Chunk[] = [];
  #timer: TimerHandle | undefined;
  #nextAt = Number.NEGATIVE_INFINITY;
  #endPending = false;

  constructor(attributes: Attributes, context: StageContext) {
    this.#averageSize = attribute(attributes, 'average_size');
    this.#sizeVariation = attribute(attributes, 'size_variation');
    this.#delayMs = attribute(attributes, 'delay') / 1000;
    this.#context = context;
  }

  write(chunk: Chunk): void {
    if (this.#endPending) return;
    let offset = 0;
    for (const size of slicePieces(
      chunk.data.length,
      this.#averageSize,
      this.#sizeVariation,
      this.#context.random,
    )) {
      this.#queue.push({
        data: chunk.data.subarray(offset, offset + size),
        timestamp: chunk.timestamp,
      });
      offset += size;
    }
    if (this.#timer === undefined) this.#pump();
  }

  end(): void {
    this.#endPending = true;
    if (this.#timer === undefined) this.#pump();
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
    while (this.#queue.length > 0) {
      const now = clock.now();
      if (this.#nextAt - now > 0.5) {
        this.#timer = clock.setTimeout(() => this.#pump(), this.#nextAt - now);
        return;
      }
      this.#context.emit(this.#queue.shift()!);
      // Toxiproxy waits `delay` after every piece, the last one included.
      this.#nextAt = Math.max(now, this.#nextAt) + this.#delayMs;
    }
    if (this.#endPending) {
      const wait = this.#nextAt - clock.now();
      if (wait > 0.5) {
        this.#timer = clock.setTimeout(() => this.#pump(), wait);
        return;
      }
      this.#context.emitEnd();
    }
  }
}
