import type { TimerHandle } from '../clock.js';
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

/**
 * `latency`: delays every chunk by `latency` ± `jitter` ms, measured from when the chunk was
 * read. Pipelined like Toxiproxy: chunks wait concurrently, so throughput is not capped;
 * order is kept, so a chunk never overtakes the one before it.
 */
export const latency: ToxicKind = {
  type: 'latency',
  defaults: { latency: 0, jitter: 0 },
  validate: (attributes) => checkDurations(attributes, ['latency', 'jitter']),
  createStage: (attributes, context) => new LatencyStage(attributes, context),
};

interface Pending {
  chunk: Chunk;
  dueAt: number;
}

class LatencyStage implements ToxicStage {
  readonly #latencyMs: number;
  readonly #jitterMs: number;
  readonly #context: StageContext;
  readonly #queue: Pending[] = [];
  #timer: TimerHandle | undefined;
  #endPending = false;

  constructor(attributes: Attributes, context: StageContext) {
    this.#latencyMs = attribute(attributes, 'latency');
    this.#jitterMs = attribute(attributes, 'jitter');
    this.#context = context;
  }

  write(chunk: Chunk): void {
    if (this.#endPending) return;
    this.#queue.push({ chunk, dueAt: chunk.timestamp + this.#delayMs() });
    if (this.#queue.length === 1) this.#pump();
  }

  end(): void {
    this.#endPending = true;
    if (this.#queue.length === 0) this.#context.emitEnd();
  }

  detach(_reason: DetachReason): Leftovers {
    this.dispose();
    const chunks = this.#queue.splice(0).map((pending) => pending.chunk);
    return { chunks, ended: this.#endPending };
  }

  dispose(): void {
    if (this.#timer !== undefined) this.#context.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // Delay = latency ± jitter, uniform over [latency - jitter, latency + jitter).
  #delayMs(): number {
    if (this.#jitterMs <= 0) return this.#latencyMs;
    return (
      this.#latencyMs + Math.floor(this.#context.random() * 2 * this.#jitterMs) - this.#jitterMs
    );
  }

  #pump(): void {
    this.#timer = undefined;
    const now = this.#context.clock.now();
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      // Timers have millisecond resolution; within half a millisecond counts as due.
      if (head.dueAt - now > 0.5) {
        this.#timer = this.#context.clock.setTimeout(() => this.#pump(), head.dueAt - now);
        return;
      }
      this.#queue.shift();
      // The next latency toxic in the chain measures from when this one released the chunk.
      this.#context.emit({
        data: head.chunk.data,
        timestamp: Math.max(head.dueAt, head.chunk.timestamp),
      });
    }
    if (this.#endPending) this.#context.emitEnd();
  }
}
