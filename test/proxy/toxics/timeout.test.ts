import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timeout } from '../../../src/proxy/toxics/timeout.js';
import {
  addProxy,
  connectTo,
  createFixture,
  ending,
  readBytes,
  startApi,
  startUpstream,
  type Fixture,
  type TestApi,
} from '../helpers.js';
import { ManualClock } from '../manual-clock.js';
import { harness } from '../stage-harness.js';

/** Resolves once proxy `test` has read at least `bytes` bytes from the source of `direction`. */
async function proxyHasRead(
  api: TestApi,
  direction: 'upstream' | 'downstream',
  bytes: number,
): Promise<void> {
  const read = (): number =>
    api.server.proxies.traffic
      .all()
      .filter((c) => c.labels.proxy === 'test' && c.labels.direction === direction)
      .reduce((sum, c) => sum + c.receivedBytes, 0);
  while (read() < bytes) await new Promise((resolve) => setImmediate(resolve));
}

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
    // Toxic timers run on a manual clock: an hour passes at once, and no timer may close.
    const clock = new ManualClock();
    const upstream = await startUpstream();
    const api = await startApi({ clock });
    const socket = await connectTo(await addProxy(api, upstream.port));
    socket.on('error', () => undefined);
    try {
      const server = await upstream.nextSocket();
      socket.write('up');
      await readBytes(socket, 2);
      const proxy = await api.client.get('test');
      await proxy.addToxic({
        type: 'timeout',
        name: 'hold',
        stream: 'upstream',
        attributes: { timeout: 0 },
      } as never);
      let ended = false;
      const clientEnd = ending(socket).finally(() => (ended = true));
      const serverEnd = ending(server).finally(() => (ended = true));
      socket.write('dropped');
      await proxyHasRead(api, 'upstream', 'up'.length + 'dropped'.length);
      clock.advance(3_600_000);
      // The downstream direction (no toxic) still carries data: nothing was closed or stalled.
      server.write('alive');
      expect((await readBytes(socket, 5)).data.toString()).toBe('alive');
      expect(ended).toBe(false);
      expect(socket.destroyed).toBe(false);
      expect(server.destroyed).toBe(false);
      const removed = await fetch(`${api.url}/proxies/test/toxics/hold`, { method: 'DELETE' });
      expect(removed.status).toBe(204);
      const [client, upstreamSide] = await Promise.all([clientEnd, serverEnd]);
      expect(client.kind).toBe('end');
      expect(upstreamSide.kind).toBe('end');
      expect(upstreamSide.data.length).toBe(0);
    } finally {
      socket.destroy();
      await api.close();
      await upstream.close();
    }
  });

  it('toxicity 0 lets data through', async () => {
    await fixture.addToxic({ type: 'timeout', toxicity: 0, attributes: { timeout: 10 } });
    const socket = await fixture.connect();
    socket.write('fine');
    const { data } = await readBytes(socket, 4);
    expect(data.toString()).toBe('fine');
  });
});
