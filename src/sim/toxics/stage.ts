import type { Clock, Random } from '../../client/index.js';
import type { ToxicType } from '../../runner/index.js';
import type { Frame } from '../link/frame.js';

/** Returned by {@link Stage.pass} for a frame the stage swallowed. */
export const DROPPED = -1;

/** A toxic as configured on the simulated proxy (one direction). */
export interface SimToxic {
  readonly name: string;
  readonly type: ToxicType;
  /** `upstream` = client → server; `downstream` = server → client. */
  readonly direction: 'upstream' | 'downstream';
  /** Probability, per connection and direction, that the toxic applies (0..1). */
  readonly toxicity: number;
  /** Toxiproxy's attributes and units (ms, µs, bytes, KB/s), already scaled. */
  readonly attributes: Readonly<Record<string, number>>;
}

/** What a stage may do besides timing frames. */
export interface StageContext {
  readonly clock: Clock;
  readonly random: Random;
  /** Ends the stream after what the stage already let through (a FIN to the destination). */
  end(): void;
  /** Resets the whole connection (RST on both sides). */
  reset(): void;
}

/**
 * One toxic on one direction of one simulated connection. Every toxic keeps order, so a stage
 * computes when a frame leaves it as the frame enters: the link needs no timer per stage.
 */
export interface Stage {
  /**
   * When `frame`, entering at `atMs`, leaves the stage (>= atMs), or {@link DROPPED}. `end`
   * frames (the stream's FIN) pass through here too.
   */
  pass(frame: Frame, atMs: number): number;
  /** The toxic is removed from a live link; true when removal ends the stream (timeout). */
  detach(): boolean;
  /**
   * True while the stage holds a timer that may still act on the link after its toxic is
   * removed (an armed reset_peer); a removed stage that holds none is gone for good.
   */
  pending(): boolean;
  /** The connection is gone: cancel timers. */
  dispose(): void;
}

/** Makes a toxic's stage for one connection and direction. */
export type StageFactory = (
  attributes: Readonly<Record<string, number>>,
  context: StageContext,
) => Stage;

/** Reads a numeric attribute (0 when absent). */
export function attribute(attributes: Readonly<Record<string, number>>, name: string): number {
  return attributes[name] ?? 0;
}
