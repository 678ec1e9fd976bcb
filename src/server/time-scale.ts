import type { HeartbeatAdvice } from '../protocol/index.js';
import type { ConnectionLimits } from './core/types.js';

/** What {@link scaledServerTimings} scales. */
export interface ServerTimingInput {
  /** Multiplies every duration (0.25: four times as fast). */
  timeScale: number;
  /** The clients' ping interval before scaling, ms. Default 30 000. */
  pingIntervalMs?: number | undefined;
  /** The clients' pong timeout before scaling, ms. Default 10 000. */
  pongTimeoutMs?: number | undefined;
}

/** Shortest resume wait of a scaled server, real ms: a loaded loop's round trip fits in it. */
export const MIN_RESUME_WAIT_MS = 500;

/**
 * A server's timings for a scenario run at `timeScale`: the heartbeat it advertises, the connect
 * window, the resume wait, the idle timeout and the shutdown grace. The scenario runner's
 * in-process server and `stormwatch serve --time-scale` use the same numbers, so a run behaves
 * alike whichever process the server is in.
 */
export function scaledServerTimings(input: ServerTimingInput): {
  heartbeat: HeartbeatAdvice;
  limits: Pick<ConnectionLimits, 'connectWindowMs' | 'resumeWaitMs' | 'idleTimeoutMs'>;
  shutdownGraceMs: number;
} {
  const s = input.timeScale;
  const interval = (input.pingIntervalMs ?? 30_000) * s;
  const timeout = (input.pongTimeoutMs ?? 10_000) * s;
  return {
    heartbeat: { intervalMs: interval, timeoutMs: timeout },
    limits: {
      connectWindowMs: 60_000 * s,
      // The wait covers the hello → resume round trip, which scaling does not shrink: at 0.05
      // a loaded runner took longer than 50 ms, live alerts overtook the replay, and the seq
      // jumps they showed were reported as missed although the replay filled them.
      resumeWaitMs: Math.max(1000 * s, MIN_RESUME_WAIT_MS),
      // A client pings every interval; two missed intervals and a timeout mean it is gone.
      idleTimeoutMs: 2 * interval + timeout,
    },
    shutdownGraceMs: 5000 * s,
  };
}
