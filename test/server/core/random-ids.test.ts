import { describe, expect, it } from 'vitest';
import { createRandomIds } from '../../../src/server/core/random-ids.js';

describe('createRandomIds', () => {
  it('makes version 4 UUIDs, all different, with every hex digit in every free place', () => {
    const next = createRandomIds();
    // Past the pool of 256 ids several times.
    const ids = Array.from({ length: 5000 }, () => next());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Random, not a counter: each place holds many values, and the variant all four.
    for (const place of [0, 7, 15, 20, 35]) {
      expect(new Set(ids.map((id) => id[place])).size).toBe(16);
    }
    expect(new Set(ids.map((id) => id[19])).size).toBe(4);
  });

  it('gives each maker its own sequence', () => {
    const a = createRandomIds();
    const b = createRandomIds();
    expect(a()).not.toBe(b());
  });
});
