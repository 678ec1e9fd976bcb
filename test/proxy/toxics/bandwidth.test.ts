import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bandwidth } from '../../../src/proxy/toxics/bandwidth.js';
import { createFixture, payload, readBytes, type Fixture } from '../helpers.js';
import { harness } from '../stage-harness.js';

describe('bandwidth stage (manual clock)', () => {
  it('releases bytes at rate KB/s, in 100 ms slices for large chunks', () => {
    const h = harness(bandwidth, { rate: 1 }); // 1 KB/s = 1 byte per ms, 100-byte slices
    h.write('x'.repeat(250));
    h.clock.advance(99);
    expect(h.emitted).toEqual([]);
    h.clock.advance(1);
    expect(h.emitted.map(([at, text]) => [at, text.length])).toEqual([[100, 100]]);
    h.clock.advance(150);
    expect(h.emitted.map(([at, text]) => [at, text.length])).toEqual([
      [100, 100],
      [200, 100],
      [250, 50],
    ]);
  });

  it('passes data straight through at rate 0', () => {
    const h = harness(bandwidth, { rate: 0 });
    h.write('now');
    expect(h.emitted).toEqual([[0, 'now']]);
  });

  it('rejects a negative rate', () => {
    expect(bandwidth.validate({ rate: -1 })).toMatch(/rate must be >= 0/);
  });
});

describe('bandwidth over TCP', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture();
  });
  afterEach(() => fixture.close());

  it('limits a 20 KB echo to ~100 KB/s downstream (~200 ms)', async () => {
    await fixture.addToxic({ type: 'bandwidth', attributes: { rate: 100 } });
    const socket = await fixture.connect();
    const start = performance.now();
    socket.write(payload(20_000));
    const { data, at } = await readBytes(socket, 20_000);
    expect(data.equals(payload(20_000))).toBe(true);
    expect(at - start).toBeGreaterThanOrEqual(180);
    expect(at - start).toBeLessThan(1000);
  });

  it('toxicity 0 leaves the connection at full speed', async () => {
    await fixture.addToxic({ type: 'bandwidth', toxicity: 0, attributes: { rate: 1 } });
    const socket = await fixture.connect();
    const start = performance.now();
    socket.write(payload(20_000));
    const { at } = await readBytes(socket, 20_000);
    expect(at - start).toBeLessThan(500);
  });
});
