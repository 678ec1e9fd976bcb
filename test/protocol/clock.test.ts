import { describe, expect, it } from 'vitest';
import { SimulatedClock, VIRTUAL_ORDER_STEP } from '../../src/protocol/index.js';

describe('SimulatedClock', () => {
  it('fires timers in time order, ties in scheduling order, only when advanced', () => {
    const clock = new SimulatedClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@20'), 20);
    expect(fired).toEqual([]);
    clock.advance(15);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(1015);
    clock.advance(5);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('sees the timer time inside a callback and runs timers scheduled by callbacks in the same advance', () => {
    const clock = new SimulatedClock(0);
    const at: number[] = [];
    clock.setTimeout(() => {
      at.push(clock.now());
      clock.setTimeout(() => at.push(clock.now()), 5);
    }, 10);
    clock.advance(100);
    expect(at).toEqual([10, 15]);
    expect(clock.now()).toBe(100);
  });

  it('cancels timers and counts pending ones', () => {
    const clock = new SimulatedClock();
    const handle = clock.setTimeout(() => {
      throw new Error('cancelled timer fired');
    }, 5);
    clock.setTimeout(() => undefined, 6);
    expect(clock.pendingTimers).toBe(2);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.runAll()).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers set in the same order place at the same time in the order they were set', () => {
    const clock = new SimulatedClock(0);
    const fired: number[] = [];
    // Two steps played at the same skipped moment take the same order places.
    const place = clock.reserveOrder(1);
    for (let i = 0; i < 200; i++) {
      clock.setTimeout(() => fired.push(-1), (i * 37) % 50);
      clock.travel(0, place, () => clock.setTimeout(() => fired.push(i), 25));
    }
    clock.runAll();
    expect(fired.filter((i) => i >= 0)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('ignores a handle of another clock', () => {
    const a = new SimulatedClock(0);
    const b = new SimulatedClock(0);
    const fired: string[] = [];
    a.setTimeout(() => fired.push('a'), 5);
    const foreign = b.setTimeout(() => fired.push('b'), 5);
    a.clearTimeout(foreign);
    expect(a.pendingTimers).toBe(1);
    a.runAll();
    b.runAll();
    expect(fired).toEqual(['a', 'b']);
  });

  it('keeps order across many timers (heap)', () => {
    const clock = new SimulatedClock();
    const fired: number[] = [];
    const delays = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const d of delays) clock.setTimeout(() => fired.push(d), d);
    clock.runAll();
    expect(fired).toEqual([...delays].sort((a, b) => a - b));
  });
});

describe('SimulatedClock — playing skipped steps at their time', () => {
  it('computes due times as setTimeout does and schedules at absolute times', () => {
    const clock = new SimulatedClock(0.1);
    expect(clock.dueAfter(0.2)).toBe(0.1 + 0.2);
    expect(clock.dueAfter(-5)).toBe(0.1);
    expect(clock.dueAfter(Number.NaN, 7)).toBe(7);
    const fired: number[] = [];
    clock.setTimeoutAt(50, () => fired.push(clock.now()));
    clock.setTimeoutAt(-1, () => fired.push(clock.now())); // never in the past
    clock.advance(100);
    expect(fired).toEqual([0.1, 50]);
  });

  it('travel() reads an earlier time and sets timers in the order places reserved then', () => {
    const clock = new SimulatedClock(1000);
    const fired: string[] = [];
    const reserved = clock.reserveOrder(2);
    // Set after the reservation, but at the same due time as what the travel will set.
    clock.setTimeout(() => fired.push('later'), 100);
    clock.advance(10);
    const seen = clock.travel(1000, reserved, () => {
      clock.setTimeout(() => fired.push('first'), 100);
      clock.setTimeout(() => fired.push('second'), 100);
      return clock.now();
    });
    expect(seen).toBe(1000);
    expect(clock.now()).toBe(1010);
    clock.advance(100);
    // The reserved places come before the timer set after the reservation.
    expect(fired).toEqual(['first', 'second', 'later']);
    // Time and order numbering resume where they were.
    clock.setTimeout(() => fired.push('next'), 0);
    clock.advance(0);
    expect(fired.at(-1)).toBe('next');
  });

  it('precedesCurrent() compares with the timer firing now, ties by order', () => {
    const clock = new SimulatedClock(0);
    const order = clock.reserveOrder(1);
    const answers: boolean[] = [];
    clock.setTimeout(() => {
      answers.push(clock.precedesCurrent(10, order)); // same time, reserved earlier
      answers.push(clock.precedesCurrent(10, order + 100)); // same time, later place
      answers.push(clock.precedesCurrent(9.5, order + 100)); // earlier time
      answers.push(clock.precedesCurrent(10.5, order)); // later time
    }, 10);
    clock.advance(10);
    expect(answers).toEqual([true, false, true, false]);
  });

  it('orderAfter() places timers set by a skipped step after those set then, before those set since', () => {
    const clock = new SimulatedClock(0);
    clock.keepOrderHistory(1_000);
    const fired: string[] = [];
    // Instant 10: a timer sets "then" (due at 500); instant 20: a timer sets "since" (due at 500).
    clock.setTimeout(() => clock.setTimeout(() => fired.push('then'), 490), 10);
    clock.setTimeout(() => clock.setTimeout(() => fired.push('since'), 480), 20);
    clock.advance(100);
    // A step skipped at 15 sets two timers due at 500, 485 after it.
    const order = clock.orderAfter(15);
    clock.travel(
      15,
      order,
      () => {
        clock.setTimeout(() => fired.push('skipped-1'), 485);
        clock.setTimeout(() => fired.push('skipped-2'), 485);
      },
      VIRTUAL_ORDER_STEP,
    );
    clock.advance(1_000);
    expect(fired).toEqual(['then', 'skipped-1', 'skipped-2', 'since']);
    // A moment after every instant seen so far places after everything set so far.
    const late = clock.orderAfter(5_000);
    clock.travel(1_100, late, () => clock.setTimeout(() => fired.push('late'), 0), 1);
    clock.setTimeout(() => fired.push('now'), 0);
    clock.advance(0);
    expect(fired.slice(-2)).toEqual(['late', 'now']);
  });

  it('keeps the order history it was asked for, and no more', () => {
    const clock = new SimulatedClock(0);
    clock.keepOrderHistory(100);
    // Each instant t (1..2000) sets one more timer: instant t begins with order counter 1999 + t.
    for (let t = 1; t <= 2_000; t++) {
      clock.setTimeoutAt(t, () => clock.setTimeoutAt(1e9, () => undefined));
    }
    clock.advance(1_000);
    expect(clock.orderAfter(950)).toBe(1_999 + 951 - 1 + VIRTUAL_ORDER_STEP);
    clock.advance(1_000);
    expect(clock.orderAfter(1_950)).toBe(1_999 + 1_951 - 1 + VIRTUAL_ORDER_STEP);
    // Instants older than the 100 ms kept are forgotten: the oldest kept one stands in.
    expect(clock.orderAfter(950)).toBe(1_999 + 1_900 - 1 + VIRTUAL_ORDER_STEP);
  });

  it('orderOf() tells where a timer stands among equal-time timers', () => {
    const clock = new SimulatedClock(0);
    const first = clock.setTimeout(() => undefined, 10);
    const second = clock.setTimeout(() => undefined, 10);
    expect(clock.orderOf(second)).toBe(clock.orderOf(first) + 1);
    expect(clock.orderOf({ timer: 42 })).toBeNaN();
  });

  it('advance() stops a timer that re-arms itself for the same instant, naming the time', () => {
    const clock = new SimulatedClock(500);
    const rearm = (): void => void clock.setTimeout(rearm, 0);
    clock.setTimeout(rearm, 10);
    expect(() => clock.advance(20)).toThrow(
      /over 10000000 timers fired at 510 ms without time moving/,
    );
  });

  it('advance() fires many timers at one instant when each is its own', () => {
    const clock = new SimulatedClock(0);
    let fired = 0;
    for (let i = 0; i < 200_000; i++) clock.setTimeout(() => (fired += 1), 5);
    clock.advance(5);
    expect(fired).toBe(200_000);
  });
});
