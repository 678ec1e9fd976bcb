import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slicePieces, slicer } from '../../../src/proxy/toxics/slicer.js';
import { createFixture, payload, readBytes, sequence, type Fixture } from '../helpers.js';
import { harness } from '../stage-harness.js';

describe('slicer', () => {
  it('cuts data into pieces of average ± variation that add up', () => {
    const pieces = slicePieces(10_000, 100, 20, sequence(0, 0.5, 0.999));
    // Draws 0, 0.5, 0.999 give jitter ⌊r · 41⌋ − 20: −20, 0, +20 in turn.
    expect(pieces.slice(0, 6)).toEqual([80, 100, 120, 80, 100, 120]);
    expect(pieces.reduce((sum, size) => sum + size, 0)).toBe(10_000);
    // 10 000 bytes in pieces of 80…120: between 84 and 126 of them (the last may be shorter).
    expect(pieces.length).toBeGreaterThanOrEqual(Math.ceil(10_000 / 120));
    expect(pieces.length).toBeLessThanOrEqual(Math.floor(10_000 / 80) + 1);
    for (const size of pieces.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(80);
      expect(size).toBeLessThanOrEqual(120);
    }
    // The remainder: what is left once it fits in one piece.
    expect(pieces.at(-1)).toBeGreaterThanOrEqual(1);
    expect(pieces.at(-1)).toBeLessThanOrEqual(120);
  });

  it('waits delay µs after each piece', () => {
    const h = harness(slicer, { average_size: 2, size_variation: 0, delay: 10_000 });
    h.write('abcdef');
    expect(h.emitted).toEqual([[0, 'ab']]);
    h.clock.advance(10);
    h.clock.advance(10);
    expect(h.emitted).toEqual([
      [0, 'ab'],
      [10, 'cd'],
      [20, 'ef'],
    ]);
  });

  it.each([
    [{ average_size: 0, size_variation: 0 }, /average_size must be >= 1/],
    [{ average_size: -1, size_variation: 0 }, /average_size must be >= 1/],
    [{ average_size: 5, size_variation: 10 }, /size_variation must be >= 0 and < average_size/],
    [{ average_size: 5, size_variation: 5 }, /size_variation must be >= 0 and < average_size/],
    [{ average_size: 5, size_variation: -1 }, /size_variation/],
    [{ average_size: 5, size_variation: 1, delay: -1 }, /delay must be >= 0/],
  ])('rejects degenerate attributes %j', (attributes, message) => {
    expect(slicer.validate({ ...slicer.defaults, ...attributes })).toMatch(message);
  });
});

describe('slicer over TCP', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture();
  });
  afterEach(() => fixture.close());

  it('delivers every byte in small pieces, paced by delay', async () => {
    await fixture.addToxic({
      type: 'slicer',
      attributes: { average_size: 1000, size_variation: 100, delay: 20_000 },
    });
    const socket = await fixture.connect();
    const sizes: number[] = [];
    socket.on('data', (part: Buffer) => sizes.push(part.length));
    const start = performance.now();
    socket.write(payload(5000));
    const { data, at } = await readBytes(socket, 5000);
    expect(data.equals(payload(5000))).toBe(true);
    expect(sizes.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1100 * 2);
    // ~5 pieces, 20 ms after each but the last: at least ~80 ms.
    expect(at - start).toBeGreaterThanOrEqual(70);
    expect(at - start).toBeLessThan(1500);
  });

  it('answers 400 for degenerate sizes instead of crashing', async () => {
    const response = await fetch(`${fixture.api.url}/proxies/test/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'slicer', attributes: { average_size: 0, size_variation: 0 } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'bad request body: slicer: average_size must be >= 1, got 0',
      status: 400,
    });
  });
});
