import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetPeer } from '../../../src/proxy/toxics/reset-peer.js';
import { createFixture, ending, readBytes, type Fixture } from '../helpers.js';
import { harness } from '../stage-harness.js';

describe('reset_peer stage (manual clock)', () => {
  it('is armed by the first data and resets timeout ms later', () => {
    const h = harness(resetPeer, { timeout: 100 });
    h.clock.advance(500);
    expect(h.resets).toEqual([]);
    h.write('trigger');
    h.clock.advance(100);
    expect(h.resets).toEqual([600]);
    expect(h.emitted).toEqual([]);
  });
});

describe('reset_peer over TCP', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture();
  });
  afterEach(() => fixture.close());

  it('resets the client (ECONNRESET) and the server after timeout ms', async () => {
    await fixture.addToxic({
      type: 'reset_peer',
      stream: 'upstream',
      attributes: { timeout: 100 },
    });
    const socket = await fixture.connect();
    const server = await fixture.upstream.nextSocket();
    const serverEnd = ending(server);
    const start = performance.now();
    const end = ending(socket);
    socket.write('payload');
    const result = await end;
    expect(result.kind).toBe('reset');
    expect(result.data.length).toBe(0);
    expect(result.at - start).toBeGreaterThanOrEqual(90);
    expect(result.at - start).toBeLessThan(1000);
    expect((await serverEnd).kind).toBe('reset');
  });

  it('resets at once with timeout 0 when added to an open connection', async () => {
    const socket = await fixture.connect();
    socket.write('hi');
    await readBytes(socket, 2);
    await fixture.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } });
    const end = ending(socket);
    socket.write('echo me');
    expect((await end).kind).toBe('reset');
  });

  it('toxicity 0 never resets', async () => {
    await fixture.addToxic({ type: 'reset_peer', toxicity: 0, attributes: { timeout: 0 } });
    const socket = await fixture.connect();
    socket.write('safe');
    const { data } = await readBytes(socket, 4);
    expect(data.toString()).toBe('safe');
  });
});
