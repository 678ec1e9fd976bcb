import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slowClose } from '../../../src/proxy/toxics/slow-close.js';
import {
  addProxy,
  connectTo,
  createFixture,
  ending,
  readBytes,
  startApi,
  startUpstream,
  type Fixture,
} from '../helpers.js';
import { ManualClock } from '../manual-clock.js';
import { harness } from '../stage-harness.js';

describe('slow_close stage (manual clock)', () => {
  it('passes data at once and holds the end for delay ms', () => {
    const h = harness(slowClose, { delay: 200 });
    h.write('a');
    h.stage.end();
    expect(h.emitted).toEqual([[0, 'a']]);
    h.clock.advance(199);
    expect(h.ends).toEqual([]);
    h.clock.advance(1);
    expect(h.ends).toEqual([200]);
  });
});

describe('slow_close over TCP', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture({ onSocket: (socket) => socket.end('bye') });
  });
  afterEach(() => fixture.close());

  // Long enough that a FIN held for it stands apart from a prompt one on a loaded machine.
  const HOLD_MS = 1500;

  it('delivers the data, then the FIN ~delay ms after the server closed', async () => {
    await fixture.addToxic({ type: 'slow_close', attributes: { delay: HOLD_MS } });
    const socket = await fixture.connect();
    const start = performance.now();
    const { data: first } = await readBytes(socket, 3);
    expect(first.toString()).toBe('bye');
    const end = await ending(socket);
    expect(end.kind).toBe('end');
    expect(end.at - start).toBeGreaterThanOrEqual(HOLD_MS - 10);
    expect(end.at - start).toBeLessThan(HOLD_MS + 3000);
  });

  it('closes promptly without the toxic', async () => {
    // Proxy timers on a clock that never moves: a FIN held on any timer would never come.
    const clock = new ManualClock();
    const upstream = await startUpstream((socket) => socket.end('bye'));
    const api = await startApi({ clock });
    const socket = await connectTo(await addProxy(api, upstream.port));
    socket.on('error', () => undefined);
    try {
      const start = performance.now();
      const end = await ending(socket);
      expect(end.kind).toBe('end');
      expect(end.data.toString()).toBe('bye');
      expect(clock.pending).toBe(0);
      // Half the hold above: a FIN held like slow_close's is caught, scheduling noise is not.
      expect(end.at - start).toBeLessThan(HOLD_MS / 2);
    } finally {
      socket.destroy();
      await api.close();
      await upstream.close();
    }
  });
});
