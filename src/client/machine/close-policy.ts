import { CloseCode, parseRetryAfterReason } from '../../protocol/index.js';
import type { CloseInfo } from '../transports/types.js';

/** What a close means for the next attempt. */
export type CloseVerdict =
  /** 403/4403: stop, never retry. */
  | { kind: 'forbidden' }
  /** 401/4401: refresh the token and retry once. */
  | { kind: 'auth' }
  /** Retry with backoff, waiting at least `retryAfterMs` when the server asked for it. */
  | { kind: 'retry'; retryAfterMs: number | undefined };

const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;

/**
 * Classifies a close per protocol v1: clients never retry 4403 (or an upgrade refused with 403),
 * refresh the token once on 401/4401, and honour `retryAfterMs` (1013 close reason JSON, or the
 * `Retry-After` header of a 429). Anything else is retried with backoff.
 */
export function classifyClose(info: CloseInfo): CloseVerdict {
  if (info.code === CloseCode.FORBIDDEN || info.httpStatus === HTTP_FORBIDDEN) {
    return { kind: 'forbidden' };
  }
  if (info.code === CloseCode.TOKEN_EXPIRED || info.httpStatus === HTTP_UNAUTHORIZED) {
    return { kind: 'auth' };
  }
  const retryAfterMs =
    info.retryAfterMs ??
    (info.code === CloseCode.TRY_AGAIN_LATER ? parseRetryAfterReason(info.reason) : undefined);
  return { kind: 'retry', retryAfterMs };
}
