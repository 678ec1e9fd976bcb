import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueuedClock, SimulatedClock } from '../../src/protocol/index.js';

describe('QueuedClock', () => {
  it('fires its timers at their times and in order while holding one timer of its base', () => {
    const base = new SimulatedClock(1_000);
    const clock = new QueuedClock(base);
    const fired: Array<[string, number]> = [];
    const set = (name: string, delayMs: number) =>
      clock.setTimeout(() => fired.push([name, base.now()]), delayMs);
    set('c', 300);
    set('a', 100);
    set('b', 200);
    set('a2', 100); // same moment as a, set after it
    expect(base.pendingTimers).toBe(1);
    expect(clock.pendingTimers).toBe(4);
    base.advance(99);
    expect(fired).toEqual([]);
    base.advance(1);
    expect(fired).toEqual([
      ['a', 1_100],
      ['a2', 1_100],
    ]);
    base.advance(500);
    expect(fired.map(([name]) => name)).toEqual(['a', 'a2', 'b', 'c']);
    expect(fired[3]).toEqual(['c', 1_300]);
    expect(base.pendingTimers).toBe(0);
  });

  it('never fires a cleared timer, and arms its base earlier for an earlier timer', () => {
    const base = new SimulatedClock(0);
    const clock = new QueuedClock(base);
    const fired: string[] = [];
    const late = clock.setTimeout(() => fired.push('late'), 10_000);
    clock.setTimeout(() => fired.push('early'), 50);
    clock.clearTimeout(late);
    expect(clock.pendingTimers).toBe(1);
    base.advance(50);
    expect(fired).toEqual(['early']);
    base.advance(20_000);
    expect(fired).toEqual(['early']);
  });

  it('releases its base timer when the last waiting timer is cleared, and re-arms after', () => {
    const base = new SimulatedClock(0);
    const clock = new QueuedClock(base);
    const fired: string[] = [];
    const a = clock.setTimeout(() => fired.push('a'), 5_000);
    const b = clock.setTimeout(() => fired.push('b'), 6_000);
    clock.clearTimeout(a);
    expect(base.pendingTimers).toBe(1);
    clock.clearTimeout(b);
    expect(clock.pendingTimers).toBe(0);
    expect(base.pendingTimers).toBe(0);
    clock.clearTimeout(b);
    expect(base.pendingTimers).toBe(0);
    clock.setTimeout(() => fired.push('c'), 7_000);
    expect(base.pendingTimers).toBe(1);
    base.advance(7_000);
    expect(fired).toEqual(['c']);
    expect(base.pendingTimers).toBe(0);
  });

  it('a throwing callback does not strand the timers after it', () => {
    const base = new SimulatedClock(0);
    const clock = new QueuedClock(base);
    const fired: string[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => fired.push('after'), 10);
    expect(() => base.advance(10)).toThrow('boom');
    expect(fired).toEqual([]);
    base.advance(1);
    expect(fired).toEqual(['after']);
  });

  it('waits for a first timer beyond what a host timer holds in steps, not at once', () => {
    const base = new SimulatedClock(0);
    const clock = new QueuedClock(base);
    let fired = false;
    clock.setTimeout(() => (fired = true), 2 ** 32);
    base.advance(2 ** 31 - 1);
    expect(fired).toBe(false);
    expect(base.pendingTimers).toBe(1);
    base.advance(2 ** 32 - (2 ** 31 - 1));
    expect(fired).toBe(true);
  });

  // The law: whatever timers are set and cleared, and from inside callbacks too, each live timer
  // fires exactly once, not before its time, in (time, setting order) order — as a clock that
  // gives each timer its own host timer fires them.
  it('fires what a clock of one host timer per timer fires, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            delay: fc.integer({ min: 0, max: 500 }),
            clear: fc.boolean(),
            child: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }),
        (timers, steps) => {
          const run = (
            make: (base: SimulatedClock) => {
              setTimeout: SimulatedClock['setTimeout'];
              clearTimeout: SimulatedClock['clearTimeout'];
            },
          ) => {
            const base = new SimulatedClock(0);
            const clock = make(base);
            const log: string[] = [];
            timers.forEach(({ delay, clear, child }, i) => {
              const handle = clock.setTimeout(() => {
                log.push(`${i}@${base.now()}`);
                if (child !== undefined) {
                  clock.setTimeout(() => log.push(`${i}.child@${base.now()}`), child);
                }
              }, delay);
              if (clear) clock.clearTimeout(handle);
            });
            for (const ms of steps) base.advance(ms);
            base.advance(10_000);
            return log;
          };
          const queued = run((base) => new QueuedClock(base));
          const direct = run((base) => base);
          expect(queued).toEqual(direct);
        },
      ),
      { numRuns: 200 },
    );
  });
});
