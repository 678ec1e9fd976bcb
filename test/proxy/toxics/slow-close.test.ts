import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slowClose } from '../../../src/proxy/toxics/slow-close.js';
import { createFixture, ending, readBytes, type Fixture } from '../helpers.js';
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

  it('delivers the data, then the FIN ~delay ms after the server closed', async () => {
    await fixture.addToxic({ type: 'slow_close', attributes: { delay: 200 } });
    const socket = await fixture.connect();
    const start = performance.now();
    const { data: first } = await readBytes(socket, 3);
    expect(first.toString()).toBe('bye');
    const end = await ending(socket);
    expect(end.kind).toBe('end');
    expect(end.at - start).toBeGreaterThanOrEqual(190);
    expect(end.at - start).toBeLessThan(1000);
  });

  it('closes promptly without the toxic', async () => {
    const socket = await fixture.connect();
    const start = performance.now();
    const end = await ending(socket);
    expect(end.kind).toBe('end');
    expect(end.data.toString()).toBe('bye');
    expect(end.at - start).toBeLessThan(150);
  });
});
