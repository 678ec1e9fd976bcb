import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latency } from '../../../src/proxy/toxics/latency.js';
import { createFixture, readBytes, sequence, type Fixture } from '../helpers.js';
import { harness } from '../stage-harness.js';

describe('latency stage (manual clock)', () => {
  it('delays each chunk by latency from when it was read, pipelined', () => {
    const h = harness(latency, { latency: 100 });
    h.write('a');
    h.clock.advance(30);
    h.write('b');
    h.clock.advance(69);
    expect(h.emitted).toEqual([]);
    h.clock.advance(1);
    expect(h.emitted).toEqual([[100, 'a']]);
    h.clock.advance(30);
    // 'b' arrived at 30, so it leaves at 130, not 200: latency does not cap throughput.
    expect(h.emitted).toEqual([
      [100, 'a'],
      [130, 'b'],
    ]);
  });

  it('applies jitter as latency ± jitter and keeps order', () => {
    // random 0 → -jitter, random 0.999 → +jitter-1
    const h = harness(latency, { latency: 100, jitter: 50 }, sequence(0.999, 0));
    h.write('slow');
    h.write('fast');
    h.clock.advance(200);
    expect(h.emitted).toEqual([
      [149, 'slow'],
      [149, 'fast'],
    ]);
  });

  it('ends the stream only after the delayed data', () => {
    const h = harness(latency, { latency: 50 });
    h.write('x');
    h.stage.end();
    expect(h.ends).toEqual([]);
    h.clock.advance(50);
    expect(h.emitted).toEqual([[50, 'x']]);
    expect(h.ends).toEqual([50]);
  });

  it('hands back held chunks untouched when removed', () => {
    const h = harness(latency, { latency: 1000 });
    h.write('held');
    const leftovers = h.stage.detach('remove');
    expect(leftovers.chunks.map((chunk) => chunk.data.toString())).toEqual(['held']);
    expect(h.clock.pending).toBe(0);
  });
});

describe('latency over TCP', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture();
  });
  afterEach(() => fixture.close());

  it('delays the echo by ~latency downstream, and pipelines a burst', async () => {
    await fixture.addToxic({ type: 'latency', attributes: { latency: 150 } });
    const socket = await fixture.connect();
    const start = performance.now();
    for (let i = 0; i < 10; i++) socket.write('0123456789');
    const { data, at } = await readBytes(socket, 100);
    expect(data.toString()).toBe('0123456789'.repeat(10));
    // Ten chunks through a 150 ms toxic still arrive ~150 ms later, not 1.5 s.
    expect(at - start).toBeGreaterThanOrEqual(140);
    expect(at - start).toBeLessThan(700);
  });

  it('adds up when applied upstream and downstream', async () => {
    await fixture.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 100 } });
    await fixture.addToxic({ type: 'latency', attributes: { latency: 100 } });
    const socket = await fixture.connect();
    const start = performance.now();
    socket.write('ping');
    const { at } = await readBytes(socket, 4);
    expect(at - start).toBeGreaterThanOrEqual(190);
    expect(at - start).toBeLessThan(800);
  });

  it('toxicity 0 never applies (default toxicity 1 always does, above)', async () => {
    await fixture.addToxic({ type: 'latency', toxicity: 0, attributes: { latency: 1000 } });
    const socket = await fixture.connect();
    const start = performance.now();
    socket.write('quick');
    const { at } = await readBytes(socket, 5);
    expect(at - start).toBeLessThan(500);
  });

  it('applies to a connection already open, and removing it releases held data at once', async () => {
    const socket = await fixture.connect();
    socket.write('warm');
    await readBytes(socket, 4);
    await fixture.addToxic({ type: 'latency', name: 'slow', attributes: { latency: 5000 } });
    const start = performance.now();
    socket.write('held');
    const received = readBytes(socket, 4);
    // Let the echo reach the proxy and be held by the toxic.
    await new Promise((resolve) =>
      fixture.upstream.sockets.values().next().value!.once('data', resolve),
    );
    await fixture.removeToxic('slow');
    const { data, at } = await received;
    expect(data.toString()).toBe('held');
    expect(at - start).toBeLessThan(2000);
  });
});
