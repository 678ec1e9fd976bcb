import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timeout } from '../../../src/proxy/toxics/timeout.js';
import { createFixture, ending, quietPeriod, readBytes, type Fixture } from '../helpers.js';
import { harness } from '../stage-harness.js';

describe('timeout stage (manual clock)', () => {
  it('drops data and ends the stream after timeout ms', () => {
    const h = harness(timeout, { timeout: 100 });
    h.write('lost');
    expect(h.emitted).toEqual([]);
    expect(h.discarded).toBe(4);
    h.clock.advance(100);
    expect(h.ends).toEqual([100]);
  });

  it('restarts the countdown when data arrives, as Toxiproxy 2.12 does', () => {
    const h = harness(timeout, { timeout: 100 });
    h.clock.advance(60);
    h.write('x');
    h.clock.advance(60);
    expect(h.ends).toEqual([]);
    h.clock.advance(40);
    expect(h.ends).toEqual([160]);
  });

  it('with timeout 0 never ends on its own, and closes the stream when removed', () => {
    const h = harness(timeout, { timeout: 0 });
    h.write('x');
    expect(h.clock.pending).toBe(0);
    expect(h.stage.detach('remove')).toEqual({ chunks: [], ended: true });
  });

  it('keeps the connection when updated', () => {
    const h = harness(timeout, { timeout: 0 });
    expect(h.stage.detach('update')).toEqual({ chunks: [], ended: false });
  });
});

describe('timeout over TCP', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture();
  });
  afterEach(() => fixture.close());

  it('closes the client with a FIN after ~timeout ms, delivering nothing', async () => {
    await fixture.addToxic({ type: 'timeout', attributes: { timeout: 150 } });
    const socket = await fixture.connect();
    const start = performance.now();
    const end = ending(socket);
    socket.write('never echoed');
    const result = await end;
    expect(result.kind).toBe('end');
    expect(result.data.length).toBe(0);
    expect(result.at - start).toBeGreaterThanOrEqual(140);
    expect(result.at - start).toBeLessThan(1000);
  });

  it('timeout 0 holds a live connection open and silent; removing it closes both sides', async () => {
    const socket = await fixture.connect();
    const server = await fixture.upstream.nextSocket();
    socket.write('up');
    await readBytes(socket, 2);
    await fixture.addToxic({
      type: 'timeout',
      name: 'hold',
      stream: 'upstream',
      attributes: { timeout: 0 },
    });
    const clientEnd = ending(socket);
    const serverEnd = ending(server);
    socket.write('dropped');
    await quietPeriod(150);
    expect(socket.destroyed).toBe(false);
    expect(server.destroyed).toBe(false);
    await fixture.removeToxic('hold');
    const [client, upstream] = await Promise.all([clientEnd, serverEnd]);
    expect(client.kind).toBe('end');
    expect(upstream.kind).toBe('end');
    expect(upstream.data.length).toBe(0);
  });

  it('toxicity 0 lets data through', async () => {
    await fixture.addToxic({ type: 'timeout', toxicity: 0, attributes: { timeout: 10 } });
    const socket = await fixture.connect();
    socket.write('fine');
    const { data } = await readBytes(socket, 4);
    expect(data.toString()).toBe('fine');
  });
});
