// HS256 compact tokens verified synchronously with node:crypto: the common case of every
// WebSocket upgrade. jose's jwtVerify goes through WebCrypto's promise per call, about 5× the
// CPU of one HMAC here (bench/server/compare.ts: connect time). The rules are jose's, and any
// token this path is not sure about (an unusual header, an odd encoding) is handed to jose, so a
// token is accepted or refused exactly as before.
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/** What {@link verifyHs256} decided. */
export type Hs256Outcome =
  | { kind: 'valid'; payload: Record<string, unknown> }
  /** The signature does not match, or a claim is malformed: refused, as jose refuses it. */
  | { kind: 'invalid' }
  /** `exp` is at or before now (whole seconds, as jose compares). */
  | { kind: 'expired' }
  /** Not a plain HS256 token: let jose decide. */
  | { kind: 'unsure' };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** An HMAC-SHA-256 signature: 32 bytes, 43 base64url characters. */
const SIGNATURE_CHARS = 43;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// A JSON object (not an array, not null) from base64url text, or undefined.
function decodeObject(part: string): Record<string, unknown> | undefined {
  // A length of 1 mod 4 is no base64 at all (jose refuses it, Buffer would not).
  if (!BASE64URL.test(part) || part.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(Buffer.from(part, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// The last header decoded, and its text: an issuer's tokens share one header, so each upgrade
// after the first skips its decoding. Read only, never handed out.
let lastHeaderPart = '';
let lastHeader: Record<string, unknown> | undefined;
function decodeHeader(part: string): Record<string, unknown> | undefined {
  if (part !== lastHeaderPart) {
    lastHeader = decodeObject(part);
    lastHeaderPart = part;
  }
  return lastHeader;
}

/**
 * Verifies `token` as an HS256 compact JWS under `key` at `nowMs`, with jose's claim rules
 * (no clock tolerance): `iat`, `nbf` and `exp` must be numbers when present, `nbf` not after
 * now and `exp` after now, both in whole seconds.
 */
export function verifyHs256(token: string, key: KeyObject, nowMs: number): Hs256Outcome {
  const parts = token.split('.');
  if (parts.length !== 3) return { kind: 'unsure' };
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  if (encodedSignature.length !== SIGNATURE_CHARS || !BASE64URL.test(encodedSignature)) {
    return { kind: 'unsure' };
  }
  const header = decodeHeader(encodedHeader);
  // A critical extension (RFC 7515 §4.1.11) is jose's to judge.
  if (header === undefined || header.alg !== 'HS256' || 'crit' in header) return { kind: 'unsure' };
  const expected = createHmac('sha256', key).update(`${encodedHeader}.${encodedPayload}`).digest();
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return { kind: 'invalid' };
  }
  const payload = decodeObject(encodedPayload);
  if (payload === undefined) return { kind: 'invalid' };
  for (const claim of ['iat', 'nbf', 'exp']) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'number') {
      return { kind: 'invalid' };
    }
  }
  const now = Math.floor(nowMs / 1000);
  if (typeof payload.nbf === 'number' && payload.nbf > now) return { kind: 'invalid' };
  if (typeof payload.exp === 'number' && payload.exp <= now) return { kind: 'expired' };
  return { kind: 'valid', payload };
}
