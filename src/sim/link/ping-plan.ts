import type { SimulatedClock } from '../../client/index.js';
import type { Pipe } from './pipe.js';

/**
 * The round trip of one heartbeat ping on a quiet link, computed exactly as the pipes would:
 * it leaves at t0, reaches the server at ts (the up pipe's arrival: up), and its pong reaches
 * the client at t1 (down). lastUp and lastDown are the pipes' last arrivals before it.
 */
export class PingPlan {
  t0 = 0;
  ts = 0;
  t1 = 0;
  up = 0;
  down = 0;
  lastUp = 0;
  lastDown = 0;

  /** Plans a ping leaving at `t0` after frames that arrived at `lastUp` and `lastDown`. */
  plan(
    clock: SimulatedClock,
    up: Pipe,
    down: Pipe,
    t0: number,
    lastUp: number,
    lastDown: number,
  ): void {
    const upAt = up.arrivalFor(t0, lastUp);
    const ts = clock.dueAfter(upAt - t0, t0);
    const downAt = down.arrivalFor(ts, lastDown);
    this.t0 = t0;
    this.ts = ts;
    this.t1 = clock.dueAfter(downAt - ts, ts);
    this.up = upAt;
    this.down = downAt;
    this.lastUp = lastUp;
    this.lastDown = lastDown;
  }

  /** Plans the ping after this one, `intervalMs` later. */
  planNext(clock: SimulatedClock, up: Pipe, down: Pipe, intervalMs: number): void {
    this.plan(clock, up, down, clock.dueAfter(intervalMs, this.t0), this.up, this.down);
  }
}
