import { describe, expect, it } from 'vitest';
import { PendingCatchUps } from '../../../src/runner/measure/catch-up.js';

describe('PendingCatchUps', () => {
  it('times each reconnect once the run ends, in the order they were added, and forgets them', () => {
    const published = new Map([
      ['a1', 100],
      ['a2', 1_000],
    ]);
    const sources = { idsOf: () => ['a1', 'a2'], publishedAt: (id: string) => published.get(id) };
    const caught = {
      userId: 'u',
      delivered: new Map([
        ['a1', 150],
        ['a2', 2_500],
      ]),
    };
    const missing = { userId: 'u', delivered: new Map([['a1', 150]]) };
    const pending = new PendingCatchUps<typeof caught>();
    pending.add(caught, 500, 2_000); // a2, published while it was away, came 500 ms later
    pending.add(missing, 500, 2_000); // a2 never came: until the end
    const seen: Array<[number, number]> = [];
    pending.drain(sources, 9_000, (lostAt, ms) => seen.push([lostAt, ms]));
    expect(seen).toEqual([
      [500, 500],
      [500, 7_000],
    ]);
    pending.drain(sources, 9_000, (lostAt, ms) => seen.push([lostAt, ms]));
    expect(seen).toHaveLength(2);
  });
});
