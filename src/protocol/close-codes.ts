/**
 * WebSocket close codes used by stormwatch (RFC 6455 §7.4.1 plus the private 4000–4999 range).
 */
export const CloseCode = {
  /** Normal closure: the app asked for it. */
  NORMAL: 1000,
  /** The server is going away (shutdown without restart). */
  GOING_AWAY: 1001,
  /** Policy violation: the peer flooded the server with frames. */
  POLICY: 1008,
  /** A frame exceeded the size limit. */
  TOO_BIG: 1009,
  /** The server hit an internal error. */
  INTERNAL: 1011,
  /** The server is restarting; reconnect with backoff. */
  SERVICE_RESTART: 1012,
  /** Try again later; the reason is JSON `{retryAfterMs}`. */
  TRY_AGAIN_LATER: 1013,
  /** Client side: the heartbeat found the link dead (half-open). */
  HEARTBEAT_TIMEOUT: 4000,
  /** The token expired while the connection was open; refresh it and reconnect. */
  TOKEN_EXPIRED: 4401,
  /** Forbidden: never retried. */
  FORBIDDEN: 4403,
} as const;

/** One of the close codes in {@link CloseCode}. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes a client must never retry on. */
export function isTerminalCloseCode(code: number): boolean {
  return code === CloseCode.FORBIDDEN;
}

/** Close codes that ask the client to refresh its token before the next attempt. */
export function isAuthCloseCode(code: number): boolean {
  return code === CloseCode.TOKEN_EXPIRED;
}

/**
 * Reads `retryAfterMs` from a 1013 close reason (JSON `{"retryAfterMs": n}`).
 * Returns undefined when the reason is absent or not of that shape.
 */
export function parseRetryAfterReason(reason: string): number | undefined {
  if (reason === '') return undefined;
  try {
    const value: unknown = JSON.parse(reason);
    if (typeof value === 'object' && value !== null && 'retryAfterMs' in value) {
      const ms = value.retryAfterMs;
      if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
    }
  } catch {
    // A reason that is not JSON carries no retry hint.
  }
  return undefined;
}

/** What the close codes a user may see mean, in words (RFC 6455 §7.4.1 and protocol v1's own). */
const CLOSE_MEANINGS: Readonly<Record<number, string>> = {
  1000: 'closed normally',
  1001: 'server going away',
  1006: 'connection lost',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'server error',
  1012: 'server restarting',
  1013: 'server busy, try later',
  4000: 'heartbeat timeout',
  4401: 'token expired',
  4403: 'forbidden',
};

/** `server restarting (1012)`; an unknown code reads `closed (4999)`. */
export function describeCloseCode(code: number): string {
  return `${CLOSE_MEANINGS[code] ?? 'closed'} (${code})`;
}
