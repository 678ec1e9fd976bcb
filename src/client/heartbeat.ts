/** Application-level heartbeat timings. */
export interface HeartbeatOptions {
  /** Send a ping this often while connected, in ms; 0 disables the heartbeat. Default 30000. */
  intervalMs: number;
  /** A ping unanswered this long (ms) makes quality `poor` and sends a probe ping. Default 10000. */
  pongTimeoutMs: number;
  /**
   * The link is declared dead (half-open) when the oldest unanswered ping is this old (ms); the
   * client then closes with 4000 and reconnects. Default 2 × pongTimeoutMs = 20000, so 12 s of
   * latency is slow, not dead, and a blackholed link is found within interval + deadAfter = 50 s.
   */
  deadAfterMs: number;
  /**
   * Ping once as a connection goes live (after the resume replay), so the first RTT is known at
   * connect rather than a whole interval later. Default true.
   */
  pingOnConnect?: boolean;
}

/** Defaults from the original spec: ping every 30 s, pong timeout 10 s, dead after 20 s. */
export const DEFAULT_HEARTBEAT: Readonly<HeartbeatOptions> = {
  intervalMs: 30_000,
  pongTimeoutMs: 10_000,
  deadAfterMs: 20_000,
};

/** A ping still waiting for its pong. */
export interface PendingPing {
  readonly id: string;
  /** Clock time the ping was sent, ms. */
  readonly sentAt: number;
  /** True for a probe sent because an earlier ping timed out. */
  readonly probe: boolean;
  /** True once this ping has been judged late. */
  readonly late: boolean;
}

/** Pings in flight on the current connection, oldest first. */
export type PendingPings = readonly PendingPing[];

// Bounds memory when pongs never come back (e.g. a hidden tab where death is not judged).
const MAX_PENDING = 16;

/** Adds a ping sent at `now`. */
export function addPing(
  pending: PendingPings,
  id: string,
  now: number,
  probe: boolean,
): PendingPings {
  const next = [...pending, { id, sentAt: now, probe, late: false }];
  return next.length > MAX_PENDING ? next.slice(next.length - MAX_PENDING) : next;
}

/** What a pong answered. */
export interface PongMatch {
  pending: PendingPings;
  rttMs: number;
  /** True when the pong came within pongTimeoutMs of its ping. */
  onTime: boolean;
}

/**
 * Matches a pong to its ping. The pong answers that ping and, as frames arrive in order on one
 * connection, every older one too. Returns undefined for an id this connection never sent.
 */
export function matchPong(
  pending: PendingPings,
  id: string,
  now: number,
  options: HeartbeatOptions,
): PongMatch | undefined {
  const index = pending.findIndex((ping) => ping.id === id);
  const ping = pending[index];
  if (ping === undefined) return undefined;
  const rttMs = roundTripMs(ping.sentAt, now);
  return { pending: pending.slice(index + 1), rttMs, onTime: isOnTime(rttMs, options) };
}

/** The round trip of a ping sent at `sentAt` whose pong arrived at `arrivedAt` (never negative). */
export function roundTripMs(sentAt: number, arrivedAt: number): number {
  return Math.max(0, arrivedAt - sentAt);
}

/** True when a pong that took `rttMs` came back within the pong timeout. */
export function isOnTime(rttMs: number, options: HeartbeatOptions): boolean {
  return rttMs <= options.pongTimeoutMs;
}

/** The outcome of judging the pending pings at one instant. */
export interface HeartbeatVerdict {
  pending: PendingPings;
  /** Pings that became late at this check. */
  newlyLate: readonly PendingPing[];
  /** True when the oldest unanswered ping is at least deadAfterMs old. */
  dead: boolean;
}

/** Judges pending pings at `now`: which became late, and whether the link is dead. */
export function judgePings(
  pending: PendingPings,
  now: number,
  options: HeartbeatOptions,
): HeartbeatVerdict {
  const oldest = pending[0];
  const dead = oldest !== undefined && now - oldest.sentAt >= options.deadAfterMs;
  const newlyLate: PendingPing[] = [];
  const next = pending.map((ping) => {
    if (ping.late || now - ping.sentAt < options.pongTimeoutMs) return ping;
    const late = { ...ping, late: true };
    newlyLate.push(late);
    return late;
  });
  return { pending: next, newlyLate, dead };
}

/** The next instant a check could change the verdict, or undefined when nothing is pending. */
export function nextCheckAt(pending: PendingPings, options: HeartbeatOptions): number | undefined {
  const oldest = pending[0];
  if (oldest === undefined) return undefined;
  let at = oldest.sentAt + options.deadAfterMs;
  for (const ping of pending) {
    if (!ping.late) at = Math.min(at, ping.sentAt + options.pongTimeoutMs);
  }
  return at;
}
