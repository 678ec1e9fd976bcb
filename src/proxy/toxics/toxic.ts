import type { Clock, RandomSource } from '../clock.js';

/** A piece of stream data and when it entered the link (clock milliseconds). */
export interface Chunk {
  readonly data: Buffer;
  /** When the bytes were read from the source socket; latency is measured from here. */
  readonly timestamp: number;
}

/** Toxic attributes: every Toxiproxy toxic attribute is an integer. */
export type Attributes = Readonly<Record<string, number>>;

/** Per-connection, per-direction state that survives a toxic update (Toxiproxy's `NewState`). */
export type ToxicState = Record<string, number>;

/** What a stage may do with its output; it never sees sockets. */
export interface StageContext {
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Hands a chunk to the next stage (or the destination socket). */
  emit(chunk: Chunk): void;
  /** Closes the stream after everything emitted so far: the connection closes with a FIN. */
  emitEnd(): void;
  /** Accounts for `bytes` the stage dropped, so back-pressure does not wait for them. */
  discard(bytes: number): void;
  /** Aborts the whole connection with a TCP reset on both sides. */
  reset(): void;
}

/** Why a stage is being taken out of a live link. */
export type DetachReason = 'remove' | 'update';

/** What a detached stage still held: forwarded at once, untouched by the toxic. */
export interface Leftovers {
  readonly chunks: readonly Chunk[];
  /** The stage held the end of the stream (or closes it on removal, as `timeout` does). */
  readonly ended: boolean;
}

/** No data and no end. */
export const NO_LEFTOVERS: Leftovers = { chunks: [], ended: false };

/**
 * One toxic running on one direction of one connection (Toxiproxy's `ToxicStub`). It receives
 * data and the end of the stream in order, and emits through its {@link StageContext}.
 */
export interface ToxicStage {
  write(chunk: Chunk): void;
  end(): void;
  /**
   * Stops the stage; returns what it still holds. A stage may keep one timer past this when
   * Toxiproxy would block the removal until it fired (an armed `reset_peer`).
   */
  detach(reason: DetachReason): Leftovers;
  /** Cancels every timer; the connection is going away. */
  dispose(): void;
}

/** A toxic type: its attribute schema, validation and stage factory. */
export interface ToxicKind {
  /** The `type` string of the API. */
  readonly type: string;
  /** Attribute names in the order Toxiproxy serialises them, with defaults (all 0 in Go). */
  readonly defaults: Attributes;
  /** Returns why `attributes` are unusable, or undefined when they are fine. */
  validate(attributes: Attributes): string | undefined;
  /**
   * Returns a one-line warning for valid `attributes` that are likely a mistake (Toxiproxy
   * accepts them, and may crash on them), saying what the toxic will do; undefined otherwise.
   */
  lint?(attributes: Attributes): string | undefined;
  /** Builds the stage for one connection direction. */
  createStage(attributes: Attributes, context: StageContext, state: ToxicState): ToxicStage;
}

/** Reads a validated attribute; the defaults guarantee presence. */
export function attribute(attributes: Attributes, name: string): number {
  return attributes[name] ?? 0;
}

/** Milliseconds above this cannot be scheduled by Node timers. */
export const MAX_DURATION_MS = 2_147_483_647;

/** Returns a message when any of `names` is negative or not a schedulable duration. */
export function checkDurations(
  attributes: Attributes,
  names: readonly string[],
  max = MAX_DURATION_MS,
): string | undefined {
  for (const name of names) {
    const value = attribute(attributes, name);
    if (value < 0) return `${name} must be >= 0, got ${value}`;
    if (value > max) return `${name} must be <= ${max}, got ${value}`;
  }
  return undefined;
}
