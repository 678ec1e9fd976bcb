import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../src/protocol/index.js';
import { FloodGuard } from '../../../src/server/core/flood-guard.js';

describe('FloodGuard', () => {
  it('allows() foresees take() at a given time without spending', () => {
    const clock = new SimulatedClock(0);
    const guard = new FloodGuard(clock, 2, 1); // 2 frames a second, burst of 2
    expect(guard.take()).toBe(true);
    expect(guard.take()).toBe(true);
    expect(guard.allows(1, 0)).toBe(false);
    expect(guard.allows(1, 500)).toBe(true); // one token back after half a second
    expect(guard.allows(1, 500)).toBe(true); // still: nothing was spent
    expect(guard.take(1, 500)).toBe(true);
    expect(guard.allows(1, 500)).toBe(false);
    clock.advance(2000);
    expect(guard.take()).toBe(true);
  });

  it('sustains() tells whether one frame every interval can go on forever', () => {
    const clock = new SimulatedClock(0);
    expect(new FloodGuard(clock, 20).sustains(1, 30_000)).toBe(true);
    expect(new FloodGuard(clock, 20).sustains(1, 50)).toBe(false); // 1 a frame, 1 refilled
    expect(new FloodGuard(clock, 20).sustains(1, 100)).toBe(true); // 2 refilled a frame
    expect(new FloodGuard(clock, 0.01).sustains(1, 30_000)).toBe(false);
  });
});
