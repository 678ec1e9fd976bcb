/**
 * What travels on a simulated link. Bytes are modelled as whole frames with a size, so
 * bandwidth, limit_data and slicer act on realistic amounts; TCP segmentation only shows up
 * as timing.
 *
 * - `upgrade`: the HTTP upgrade request (client → server); `text` is the bearer token.
 * - `response`: the upgrade response (server → client); `code` is the HTTP status (101 = open).
 * - `data`: one WebSocket text frame; `text` is the JSON payload.
 * - `close`: a WebSocket close frame; `code` and `text` (the reason).
 * - `end`: the TCP stream ends (a FIN, no close frame): the receiver sees 1006.
 */
export type FrameKind = 'upgrade' | 'response' | 'data' | 'close' | 'end';

/** One frame on a simulated link. */
export interface Frame {
  readonly kind: FrameKind;
  /** Size on the wire in bytes (headers included). */
  readonly bytes: number;
  readonly text: string;
  readonly code: number;
  /** `response` only: the `Retry-After` of a refusal, ms (NaN when none). */
  readonly retryAfterMs: number;
  /** When it reaches the far end, clock ms; set by the pipe. */
  arriveAt: number;
}

/** Size of a WebSocket frame header for a payload of `n` bytes (RFC 6455 §5.2). */
function headerBytes(n: number, masked: boolean): number {
  return (n < 126 ? 2 : n < 65_536 ? 4 : 10) + (masked ? 4 : 0);
}

/** A text frame; client frames are masked (RFC 6455 §5.3). The payload size is its JSON length. */
export function dataFrame(text: string, fromClient: boolean): Frame {
  const n = text.length;
  return {
    kind: 'data',
    bytes: n + headerBytes(n, fromClient),
    text,
    code: 0,
    retryAfterMs: NaN,
    arriveAt: 0,
  };
}

/** A close frame with a status code and reason. */
export function closeFrame(code: number, reason: string, fromClient: boolean): Frame {
  const n = 2 + reason.length;
  return {
    kind: 'close',
    bytes: n + headerBytes(n, fromClient),
    text: reason,
    code,
    retryAfterMs: NaN,
    arriveAt: 0,
  };
}

/** The end of the TCP stream. */
export function endFrame(): Frame {
  return { kind: 'end', bytes: 0, text: '', code: 0, retryAfterMs: NaN, arriveAt: 0 };
}

// A typical upgrade request without its token, and a 101 response, in bytes.
const UPGRADE_REQUEST_BYTES = 260;
const UPGRADE_RESPONSE_BYTES = 160;
const REFUSAL_BYTES = 220;

/** The HTTP upgrade request carrying `token`. */
export function upgradeFrame(token: string): Frame {
  return {
    kind: 'upgrade',
    bytes: UPGRADE_REQUEST_BYTES + token.length,
    text: token,
    code: 0,
    retryAfterMs: NaN,
    arriveAt: 0,
  };
}

/** The upgrade response: 101 opens the socket, anything else refuses it. */
export function responseFrame(status: number, retryAfterMs = NaN): Frame {
  return {
    kind: 'response',
    bytes: status === 101 ? UPGRADE_RESPONSE_BYTES : REFUSAL_BYTES,
    text: '',
    code: status,
    retryAfterMs,
    arriveAt: 0,
  };
}
