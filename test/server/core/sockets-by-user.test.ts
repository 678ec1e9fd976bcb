import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SocketsByUser } from '../../../src/server/core/sockets-by-user.js';

describe('SocketsByUser', () => {
  // The law: after any adds and removes it holds what a map of arrays holds, in the same order.
  it('holds what a map of arrays holds, whatever the adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 5 })),
          { maxLength: 80 },
        ),
        (ops) => {
          const held = new SocketsByUser<string>();
          const model = new Map<string, string[]>();
          for (const [add, user, n] of ops) {
            const item = `${user}${n}`;
            const list = model.get(user) ?? [];
            if (add && !list.includes(item)) {
              held.add(user, item);
              model.set(user, [...list, item]);
            } else if (!add) {
              expect(held.remove(user, item)).toBe(list.includes(item));
              const rest = list.filter((x) => x !== item);
              if (rest.length > 0) model.set(user, rest);
              else model.delete(user);
            }
            expect(held.users).toBe(model.size);
          }
          for (const user of ['a', 'b', 'c']) {
            const seen: string[] = [];
            held.forEachOf(user, (item, list) => list.push(item), seen, undefined);
            expect(seen).toEqual([...(model.get(user) ?? [])].reverse());
          }
          expect(held.all().sort()).toEqual([...model.values()].flat().sort());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a walk visits each session held when it began once, whatever it removes meanwhile', () => {
    const held = new SocketsByUser<string>();
    for (const tab of ['t1', 't2', 't3']) held.add('u', tab);
    const seen: string[] = [];
    held.forEachOf(
      'u',
      (tab, list, user) => {
        list.push(tab);
        // The newest tab closes the two others while it is being served.
        if (tab === 't3') {
          held.remove(user, 't2');
          held.remove(user, 't1');
        }
      },
      seen,
      'u',
    );
    expect(seen).toEqual(['t3', 't2', 't1']);
    const after: string[] = [];
    held.forEachOf('u', (tab, list) => list.push(tab), after, undefined);
    expect(after).toEqual(['t3']);
    expect(held.remove('u', 't3')).toBe(true);
    expect(held.users).toBe(0);
  });
});
