import type { Chunk, StageContext, ToxicKind, ToxicStage } from '../../src/proxy/toxics/toxic.js';
import { ManualClock } from './manual-clock.js';

/** A toxic stage wired to a manual clock, recording what it emits. */
export interface StageHarness {
  readonly clock: ManualClock;
  readonly stage: ToxicStage;
  /** Emitted chunks as [time, text]. */
  readonly emitted: Array<[number, string]>;
  /** Times the stream end was emitted. */
  readonly ends: number[];
  readonly resets: number[];
  discarded: number;
  /** Writes `text` as a chunk read now. */
  write(text: string): void;
}

/** Builds a stage of `kind` with `attributes` (merged over the kind's defaults). */
export function harness(
  kind: ToxicKind,
  attributes: Record<string, number>,
  random: () => number = () => 0.5,
): StageHarness {
  const clock = new ManualClock();
  const emitted: Array<[number, string]> = [];
  const ends: number[] = [];
  const resets: number[] = [];
  const state = {};
  const result = {
    clock,
    emitted,
    ends,
    resets,
    discarded: 0,
  } as StageHarness;
  const context: StageContext = {
    clock,
    random,
    emit: (chunk: Chunk) => emitted.push([clock.now(), chunk.data.toString()]),
    emitEnd: () => ends.push(clock.now()),
    discard: (bytes) => {
      result.discarded += bytes;
    },
    reset: () => resets.push(clock.now()),
  };
  const stage = kind.createStage({ ...kind.defaults, ...attributes }, context, state);
  return Object.assign(result, {
    stage,
    write: (text: string) => stage.write({ data: Buffer.from(text), timestamp: clock.now() }),
  });
}
