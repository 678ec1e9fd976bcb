import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../src/protocol/index.js';
import { ConnectLimiter } from '../../../src/server/core/connect-limiter.js';

describe('ConnectLimiter', () => {
  it('admits `limit` attempts a window per user and says when the next one would be', () => {
    const clock = new SimulatedClock(1_000_000);
    const limiter = new ConnectLimiter(clock, 3, 60_000);
    expect(limiter.admit('a')).toEqual({ ok: true });
    clock.advance(10_000);
    expect(limiter.admit('a')).toEqual({ ok: true });
    expect(limiter.admit('a')).toEqual({ ok: true });
    // The first attempt leaves the window 50 s from now.
    expect(limiter.admit('a')).toEqual({ ok: false, retryAfterMs: 50_000 });
    // Another user has a budget of its own.
    expect(limiter.admit('b')).toEqual({ ok: true });
    clock.advance(50_000);
    expect(limiter.admit('a')).toEqual({ ok: true });
    expect(limiter.admit('a')).toEqual({ ok: false, retryAfterMs: 10_000 });
  });

  it('forgets a user after a quiet window, and admits it again in full', () => {
    const clock = new SimulatedClock(0);
    const limiter = new ConnectLimiter(clock, 1, 1_000);
    expect(limiter.admit('a').ok).toBe(true);
    expect(limiter.admit('a').ok).toBe(false);
    clock.advance(5_000);
    expect(limiter.admit('other').ok).toBe(true); // sweeps
    expect(limiter.admit('a').ok).toBe(true);
    expect(limiter.admit('a').ok).toBe(false);
  });

  // The law: an attempt is admitted exactly when fewer than `limit` admitted attempts of the
  // same user lie within the window before it; a refusal names when the oldest of them leaves.
  it('agrees with a sliding window kept as a plain list of every admitted attempt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        // Waits and windows on a 250 ms grid as often as not, so attempts land exactly on the
        // window's edge.
        fc.oneof(fc.constantFrom(250, 500, 1_000), fc.integer({ min: 1, max: 5_000 })),
        fc.array(
          fc.tuple(
            fc.constantFrom('a', 'b', 'c'),
            fc.oneof(fc.constantFrom(0, 250, 500), fc.integer({ min: 0, max: 3_000 })),
          ),
          { maxLength: 60 },
        ),
        (limit, windowMs, steps) => {
          const clock = new SimulatedClock(1_700_000_000_000);
          const limiter = new ConnectLimiter(clock, limit, windowMs);
          const admitted: Array<{ user: string; at: number }> = [];
          for (const [user, wait] of steps) {
            clock.advance(wait);
            const now = clock.now();
            const inWindow = admitted.filter((a) => a.user === user && a.at > now - windowMs);
            const expected =
              inWindow.length < limit
                ? { ok: true }
                : { ok: false, retryAfterMs: Math.max(1, inWindow[0]!.at + windowMs - now) };
            expect(limiter.admit(user)).toEqual(expected);
            if (expected.ok) admitted.push({ user, at: now });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
