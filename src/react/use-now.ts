import { useEffect, useState } from 'react';
import type { Clock } from '../client/index.js';

/**
 * The clock's time, re-read every `intervalMs` while `active` (a countdown, an expiry); while
 * inactive no timer runs and the time is read at each render. Epoch ms. Timers go through
 * `clock`, so a `SimulatedClock` drives it in tests.
 */
export function useNow(clock: Clock, intervalMs: number, active: boolean): number {
  const [, setTicks] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    let handle = clock.setTimeout(function tick() {
      setTicks((n) => n + 1);
      handle = clock.setTimeout(tick, intervalMs);
    }, intervalMs);
    return () => clock.clearTimeout(handle);
  }, [clock, intervalMs, active]);
  return clock.now();
}
