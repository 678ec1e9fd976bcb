import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/protocol/index.js';

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

  it('keeps order across many timers (heap)', () => {
    const clock = new SimulatedClock();
    const fired: number[] = [];
    const delays = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const d of delays) clock.setTimeout(() => fired.push(d), d);
    clock.runAll();
    expect(fired).toEqual([...delays].sort((a, b) => a - b));
  });
});
