import type { IncomingMessage } from 'node:http';
import { createTokenVerifier, extractToken, type Principal } from '../../src/server/auth.js';
import type { Clock } from '../../src/protocol/clock.js';
import { TargetError, TargetErrorCode } from './errors.js';

export type { Principal };

/** Verifies the HS256 tokens a target accepts. */
export interface TargetAuth {
  /**
   * Resolves with who `token` names; rejects with `UNAUTHORIZED` when it is missing, badly
   * signed, expired or has no `sub`.
   */
  verify(token: string | undefined): Promise<Principal>;
  /** As {@link verify}, and rejects with `FORBIDDEN` unless the token's role is `publisher`. */
  verifyPublisher(token: string | undefined): Promise<Principal>;
}

/** Builds the verifier for tokens signed with `secret`, checking `exp` against `clock`. */
export function createTargetAuth(secret: string, clock: Clock): TargetAuth {
  const verifyToken = createTokenVerifier({ secret });
  const verify = async (token: string | undefined): Promise<Principal> => {
    if (token === undefined) {
      throw new TargetError(
        TargetErrorCode.UNAUTHORIZED,
        'expected a token in "Authorization: Bearer <jwt>" or ?token=, got none',
      );
    }
    try {
      return await verifyToken(token, clock.now());
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new TargetError(
        TargetErrorCode.UNAUTHORIZED,
        `expected a valid HS256 token, got one rejected as: ${detail}`,
      );
    }
  };
  return {
    verify,
    async verifyPublisher(token) {
      const principal = await verify(token);
      if (principal.role !== 'publisher') {
        throw new TargetError(
          TargetErrorCode.FORBIDDEN,
          `expected a token with role "publisher", got role "${principal.role}"`,
        );
      }
      return principal;
    },
  };
}

/** The request's token: `Authorization: Bearer <jwt>` first, then `?token=`. */
export function requestToken(req: IncomingMessage): string | undefined {
  return extractToken({
    authorization: req.headers.authorization,
    subprotocols: undefined,
    query: requestUrl(req).searchParams.get('token') ?? undefined,
  });
}

/** The request's URL, resolved against a placeholder origin (only path and query matter). */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://target.invalid');
}
