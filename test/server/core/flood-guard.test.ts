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
});
