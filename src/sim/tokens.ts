/**
 * Simulated bearer tokens. The real harness signs JWTs (WebCrypto work that completes outside
 * the microtask queue, so it cannot run on a virtual clock); the simulator carries the same
 * claims — `sub`, `iat` and `exp` in ms — in a plain string the simulated upgrade checks.
 */
export interface SimClaims {
  userId: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

const PREFIX = 'sim.';

/** A token for `userId` issued at `issuedAtMs`, valid for `ttlMs`. */
export function mintSimToken(userId: string, issuedAtMs: number, ttlMs: number): string {
  return `${PREFIX}${issuedAtMs}.${issuedAtMs + ttlMs}.${userId}`;
}

/** The claims of a simulated token, or undefined when it is not one. */
export function readSimToken(token: string): SimClaims | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  const first = token.indexOf('.', PREFIX.length);
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0) return undefined;
  const issuedAtMs = Number(token.slice(PREFIX.length, first));
  const expiresAtMs = Number(token.slice(first + 1, second));
  const userId = token.slice(second + 1);
  if (!Number.isFinite(issuedAtMs) || !Number.isFinite(expiresAtMs) || userId === '') {
    return undefined;
  }
  return { userId, issuedAtMs, expiresAtMs };
}
