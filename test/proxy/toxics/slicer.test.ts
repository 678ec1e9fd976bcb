import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slicePieces, slicer } from '../../../src/proxy/toxics/slicer.js';
import {
  addProxy,
  connectTo,
  createFixture,
  payload,
  readBytes,
  sequence,
  startApi,
  startUpstream,
  type Fixture,
} from '../helpers.js';
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

  it('leaves each chunk whole with average_size 0, still waiting delay after it', () => {
    expect(slicePieces(10, 0, 0, Math.random)).toEqual([10]);
    expect(slicePieces(10, 0, 5, Math.random)).toEqual([10]);
    const h = harness(slicer, { average_size: 0, size_variation: 0, delay: 10_000 });
    h.write('abcdef');
    h.write('gh');
    expect(h.emitted).toEqual([[0, 'abcdef']]);
    h.clock.advance(10);
    expect(h.emitted).toEqual([
      [0, 'abcdef'],
      [10, 'gh'],
    ]);
  });

  it('cuts pieces of 1 to average + variation bytes when size_variation >= average_size', () => {
    // Draws 0, 0.5, 0.999 give jitter ⌊r · 21⌋ − 10: −10 (clamped to 1 byte), 0, +10.
    expect(slicePieces(40, 5, 10, sequence(0, 0.5, 0.999))).toEqual([1, 5, 15, 1, 5, 13]);
    // toxiproxy-node-client's own suite sends 1000/1000.
    const pieces = slicePieces(100_000, 1000, 1000, sequence(0, 0.25, 0.5, 0.75, 0.999));
    expect(pieces.reduce((sum, size) => sum + size, 0)).toBe(100_000);
    for (const size of pieces) {
      expect(size).toBeGreaterThanOrEqual(1);
      expect(size).toBeLessThanOrEqual(2000);
    }
  });

  it.each([
    [
      { average_size: 0, size_variation: 0 },
      'slicer average_size 0 passes each chunk through unsliced',
    ],
    [
      { average_size: 1000, size_variation: 1000 },
      'slicer size_variation 1000 is not below average_size 1000; pieces range from 1 to 2000 bytes',
    ],
    [
      { average_size: 5, size_variation: 10 },
      'slicer size_variation 10 is not below average_size 5; pieces range from 1 to 15 bytes',
    ],
    [{ average_size: 5, size_variation: 4 }, undefined],
  ])('accepts %j as Toxiproxy does, warning %j', (attributes, warning) => {
    const merged = { ...slicer.defaults, ...attributes };
    expect(slicer.validate(merged)).toBeUndefined();
    expect(slicer.lint?.(merged)).toBe(warning);
  });

  it.each([
    [{ average_size: -1, size_variation: 0 }, 'average_size must be >= 0, got -1'],
    [{ average_size: 5, size_variation: -1 }, 'size_variation must be >= 0, got -1'],
    [{ average_size: 5, size_variation: 1, delay: -1 }, 'delay must be >= 0, got -1'],
  ])('rejects negative attributes %j', (attributes, message) => {
    expect(slicer.validate({ ...slicer.defaults, ...attributes })).toBe(message);
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

  it.each([
    [{ average_size: 0, size_variation: 0 }, 'average_size 0 passes each chunk through unsliced'],
    [{ average_size: 1000, size_variation: 1000 }, 'size_variation 1000 is not below'],
  ])(
    'accepts %j as Toxiproxy 2.12 does, warns, and delivers every byte',
    async (attributes, warning) => {
      const warnings: string[] = [];
      const api = await startApi({ onWarning: (message) => warnings.push(message) });
      const upstream = await startUpstream();
      try {
        const port = await addProxy(api, upstream.port);
        const response = await fetch(`${api.url}/proxies/test/toxics`, {
          method: 'POST',
          body: JSON.stringify({ type: 'slicer', attributes }),
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({
          attributes: { ...attributes, delay: 0 },
          name: 'slicer_downstream',
          type: 'slicer',
          stream: 'downstream',
          toxicity: 1,
        });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain(`proxy test, toxic slicer_downstream: slicer ${warning}`);

        const socket = await connectTo(port);
        try {
          socket.write(payload(50_000));
          const { data } = await readBytes(socket, 50_000);
          expect(data.equals(payload(50_000))).toBe(true);
        } finally {
          socket.destroy();
        }
      } finally {
        await api.close();
        await upstream.close();
      }
    },
  );
});
