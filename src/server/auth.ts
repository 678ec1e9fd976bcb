import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { BEARER_SUBPROTOCOL_PREFIX, systemClock } from '../protocol/index.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { verifyHs256 } from './hs256.js';

/** Roles a token may carry. `publisher` may POST alerts. */
export type Role = 'user' | 'publisher';

/** A verified token. */
export interface Principal {
  userId: string;
  role: Role;
  /** Expiry in epoch milliseconds, when the token has one. */
  expiresAtMs: number | undefined;
  /** Issue time (`iat`) in epoch milliseconds, when the token has one. */
  issuedAtMs: number | undefined;
}

/** How tokens are verified: an HS256 secret or a JWKS URL. */
export type AuthOptions = { secret: string } | { jwksUrl: string };

/** Verifies a JWT and returns who it names. */
export type TokenVerifier = (token: string, nowMs: number) => Promise<Principal>;

const expired = (): ServerError =>
  new ServerError(ServerErrorCode.TOKEN_EXPIRED, 401, 'token expired');
const invalid = (): ServerError =>
  new ServerError(ServerErrorCode.UNAUTHORIZED, 401, 'invalid token');

/** Builds a verifier; HS256 for secrets, the key set's algorithms for JWKS. */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  // The HMAC key is imported once: handing jose the raw bytes imports it again on every
  // verification, which costs native memory per connection (bench/server/mem-probe.ts).
  let key: Promise<CryptoKey> | JWTVerifyGetKey;
  // Plain HS256 tokens are checked synchronously (./hs256.ts); jose takes the rest.
  let hmacKey: KeyObject | undefined;
  if ('secret' in options) {
    hmacKey = createSecretKey(Buffer.from(options.secret, 'utf8'));
    key = globalThis.crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(options.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
  } else {
    key = createRemoteJWKSet(new URL(options.jwksUrl));
  }
  const algorithms = 'secret' in options ? ['HS256'] : undefined;
  const viaJose = async (token: string, nowMs: number): Promise<JWTPayload> => {
    try {
      const verified = await jwtVerify(token, typeof key === 'function' ? key : await key, {
        ...(algorithms === undefined ? {} : { algorithms }),
        currentDate: new Date(nowMs),
      });
      return verified.payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw expired();
      throw invalid();
    }
  };
  return async (token, nowMs) => {
    const fast = hmacKey === undefined ? undefined : verifyHs256(token, hmacKey, nowMs);
    if (fast?.kind === 'expired') throw expired();
    if (fast?.kind === 'invalid') throw invalid();
    const payload: JWTPayload = fast?.kind === 'valid' ? fast.payload : await viaJose(token, nowMs);
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new ServerError(ServerErrorCode.UNAUTHORIZED, 401, 'token has no sub claim');
    }
    const role = payload.role ?? 'user';
    if (role !== 'user' && role !== 'publisher') {
      throw new ServerError(
        ServerErrorCode.UNAUTHORIZED,
        401,
        'token role must be user or publisher',
      );
    }
    return {
      userId: payload.sub,
      role,
      expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
      issuedAtMs: typeof payload.iat === 'number' ? Math.round(payload.iat * 1000) : undefined,
    };
  };
}

/** Claims for {@link signToken}. */
export interface TokenClaims {
  /** User id (`sub`). */
  sub: string;
  /** Default `user`. */
  role?: Role;
  /** Lifetime in seconds from `nowMs`. Default 3600. */
  expiresInS?: number;
  /** Issue time in epoch ms. Default: now. */
  nowMs?: number;
}

/** Signs an HS256 token: for demos, tests, the runner's fleet and publisher. */
export async function signToken(claims: TokenClaims, secret: string): Promise<string> {
  const nowMs = claims.nowMs ?? systemClock.now();
  // iat keeps milliseconds (RFC 7519 NumericDate may be fractional) so a revocation cuts
  // exactly between the tokens issued before it and the ones fetched right after.
  const iat = Math.floor(nowMs) / 1000;
  return new SignJWT({ role: claims.role ?? 'user' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(Math.floor(nowMs / 1000) + (claims.expiresInS ?? 3600))
    .sign(new TextEncoder().encode(secret));
}

/** Where a request may carry its token. */
export interface TokenSources {
  authorization: string | undefined;
  subprotocols: string | undefined;
  query: string | undefined;
}

/**
 * Finds the bearer token: `Authorization: Bearer …` first, then a `bearer.<jwt>` WebSocket
 * subprotocol (browsers cannot set headers), then `?token=` as a last resort.
 */
export function extractToken(sources: TokenSources): string | undefined {
  const header = sources.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match?.[1] !== undefined) return match[1];
  }
  if (sources.subprotocols !== undefined) {
    for (const raw of sources.subprotocols.split(',')) {
      const protocol = raw.trim();
      if (protocol.startsWith(BEARER_SUBPROTOCOL_PREFIX)) {
        const token = protocol.slice(BEARER_SUBPROTOCOL_PREFIX.length);
        if (token !== '') return token;
      }
    }
  }
  if (sources.query !== undefined && sources.query !== '') return sources.query;
  return undefined;
}
