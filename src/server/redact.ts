import { BEARER_SUBPROTOCOL_PREFIX } from '../protocol/index.js';

/** Replaces the value of every `token` query parameter so URLs can be logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[REDACTED]');
}

/** Replaces `bearer.<jwt>` entries of a Sec-WebSocket-Protocol header. */
export function redactSubprotocols(header: string): string {
  return header
    .split(',')
    .map((p) => (p.trim().startsWith(BEARER_SUBPROTOCOL_PREFIX) ? ' bearer.[REDACTED]' : p))
    .join(',')
    .trim();
}

/** Paths pino must censor in every log line (headers that carry credentials). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
  'headers["sec-websocket-protocol"]',
];
