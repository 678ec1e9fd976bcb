import { describe, expect, it } from 'vitest';
import { createSeededRandom, SimulatedClock } from '../../src/client/index.js';
import { Pipe, type Frame, type SimToxic } from '../../src/sim/index.js';
import { dataFrame } from '../../src/sim/link/frame.js';

function setup(baseMs = 1) {
  const clock = new SimulatedClock(0);
  const arrived: Array<{ at: number; frame: Frame }> = [];
  let resets = 0;
  const pipe = new Pipe(
    { clock, random: createSeededRandom(1), oneWayMs: () => baseMs },
    {
      arrive: (frame) => arrived.push({ at: clock.now(), frame }),
      resetLink: () => (resets += 1),
    },
  );
  const toxic = (type: SimToxic['type'], attributes: Record<string, number>): SimToxic => ({
    name: `${type}_1`,
    type,
    direction: 'downstream',
    toxicity: 1,
    attributes,
  });
  return { clock, pipe, arrived, toxic, resets: () => resets };
}

describe('simulated pipe', () => {
  it('delivers frames in order after the link latency', () => {
    const { clock, pipe, arrived } = setup(1);
    pipe.write(dataFrame('{"type":"a"}', false));
    pipe.write(dataFrame('{"type":"b"}', false));
    clock.runAll();
    expect(arrived.map((a) => [a.at, a.frame.text])).toEqual([
      [1, '{"type":"a"}'],
      [1, '{"type":"b"}'],
    ]);
  });

  it('latency delays every frame and removing it releases held frames at once', () => {
    const { clock, pipe, arrived, toxic } = setup(1);
    const latency = toxic('latency', { latency: 12_000, jitter: 0 });
    pipe.addToxic(latency);
    pipe.write(dataFrame('x', false));
    clock.advance(5000);
    pipe.write(dataFrame('y', false));
    clock.advance(8000);
    expect(arrived.map((a) => a.at)).toEqual([12_001]);
    pipe.removeToxic(latency.name);
    clock.runAll();
    expect(arrived.map((a) => a.at)).toEqual([12_001, 13_001]);
  });

  it('bandwidth spaces frames by their size (rate in KB/s = bytes per ms)', () => {
    const { clock, pipe, arrived, toxic } = setup(0);
    pipe.addToxic(toxic('bandwidth', { rate: 2 }));
    const frame = dataFrame('a'.repeat(196), false); // 200 bytes with the 4-byte header
    pipe.write(frame);
    pipe.write(dataFrame('a'.repeat(196), false));
    clock.runAll();
    expect(frame.bytes).toBe(200);
    expect(arrived.map((a) => a.at)).toEqual([100, 200]);
  });

  it('slicer delays a frame by its pieces', () => {
    const { clock, pipe, arrived, toxic } = setup(0);
    pipe.addToxic(toxic('slicer', { average_size: 20, size_variation: 0, delay: 2000 }));
    pipe.write(dataFrame('a'.repeat(98), false)); // 100 bytes: 5 pieces
    pipe.write(dataFrame('b', false)); // waits for the last piece's delay
    clock.runAll();
    expect(arrived.map((a) => a.at)).toEqual([8, 10]);
  });

  it('limit_data passes whole frames up to the limit, then ends the stream', () => {
    const { clock, pipe, arrived, toxic } = setup(0);
    pipe.addToxic(toxic('limit_data', { bytes: 250 }));
    pipe.write(dataFrame('a'.repeat(98), false));
    pipe.write(dataFrame('a'.repeat(98), false));
    pipe.write(dataFrame('a'.repeat(98), false));
    clock.runAll();
    expect(arrived.map((a) => a.frame.kind)).toEqual(['data', 'data', 'end']);
  });

  it('timeout drops data, ends after the silence, and timeout 0 ends on removal', () => {
    const { clock, pipe, arrived, toxic } = setup(0);
    pipe.addToxic(toxic('timeout', { timeout: 1000 }));
    pipe.write(dataFrame('a', false));
    clock.advance(900);
    pipe.write(dataFrame('b', false)); // restarts the countdown
    clock.advance(999);
    expect(arrived).toEqual([]);
    clock.runAll();
    expect(arrived.map((a) => [a.at, a.frame.kind])).toEqual([[1900, 'end']]);

    const held = setup(0);
    const blackhole = held.toxic('timeout', { timeout: 0 });
    held.pipe.addToxic(blackhole);
    held.pipe.write(dataFrame('a', false));
    held.clock.advance(60_000);
    expect(held.arrived).toEqual([]);
    held.pipe.removeToxic(blackhole.name);
    held.clock.runAll();
    expect(held.arrived.map((a) => a.frame.kind)).toEqual(['end']);
  });

  it('reset_peer resets the connection after its timeout, even once removed', () => {
    const { clock, pipe, arrived, toxic, resets } = setup(0);
    const reset = toxic('reset_peer', { timeout: 500 });
    pipe.addToxic(reset);
    pipe.write(dataFrame('a', false));
    pipe.removeToxic(reset.name);
    clock.runAll();
    expect(arrived).toEqual([]);
    expect(resets()).toBe(1);
  });

  it('is idle again once its last toxic is removed and delivered, unless a reset is armed', () => {
    const { clock, pipe, toxic } = setup(1);
    for (const type of ['latency', 'bandwidth', 'slicer', 'slow_close', 'limit_data'] as const) {
      const stage = toxic(type, { latency: 500, rate: 1, average_size: 8, delay: 10, bytes: 1e6 });
      pipe.addToxic(stage);
      expect(pipe.idle).toBe(false);
      pipe.write(dataFrame('a', false));
      pipe.removeToxic(stage.name);
      expect(pipe.idle).toBe(false);
      clock.runAll();
      expect(pipe.idle, type).toBe(true);
    }
    const reset = toxic('reset_peer', { timeout: 500 });
    pipe.addToxic(reset);
    pipe.write(dataFrame('a', false));
    pipe.removeToxic(reset.name);
    clock.advance(499);
    // The armed reset still acts on the link: a heartbeat played now would miss it.
    expect(pipe.idle).toBe(false);
  });

  it('slow_close holds the end of the stream', () => {
    const { clock, pipe, arrived, toxic } = setup(0);
    pipe.addToxic(toxic('slow_close', { delay: 3000 }));
    pipe.write(dataFrame('a', false));
    pipe.end();
    clock.runAll();
    expect(arrived.map((a) => [a.at, a.frame.kind])).toEqual([
      [0, 'data'],
      [3000, 'end'],
    ]);
  });

  it('toxicity 0 leaves the pipe untouched', () => {
    const { clock, pipe, arrived, toxic } = setup(0);
    pipe.addToxic({ ...toxic('latency', { latency: 5000 }), toxicity: 0 });
    pipe.write(dataFrame('a', false));
    clock.runAll();
    expect(arrived.map((a) => a.at)).toEqual([0]);
  });
});
