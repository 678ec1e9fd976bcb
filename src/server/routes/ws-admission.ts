import type { IncomingHttpHeaders } from 'node:http';
import { CloseCode } from '../../protocol/index.js';
import type { ServerRejectReason } from '../../metrics/index.js';
import { extractToken, type Principal } from '../auth.js';
import type { AppContext } from '../context.js';
import { ServerError, ServerErrorCode } from '../errors.js';

/** What an upgrade request asks for: the user in its path and how it carries its token. */
export interface UpgradeAsk {
  userId: string;
  headers: IncomingHttpHeaders;
  /** The `token` query parameter, when the URL has one. */
  queryToken: string | undefined;
}

/** Whether a socket may open, and if not how it is refused. */
export type Admission =
  | { kind: 'open'; principal: Principal }
  /**
   * Refused at HTTP: `error` as the status and body, with `Retry-After` when set.
   */
  | { kind: 'refuse'; error: ServerError; retryAfterS: number | undefined }
  /**
   * Refused after the upgrade, as a close frame a browser can read: a browser (it always sends
   * Origin) sees a refused upgrade only as 1006, without status or headers.
   */
  | { kind: 'close'; code: number; retryAfterMs: number };

/**
 * The checks of `GET /ws/breach-alerts/:userId`, in order: shutting down (503), token (401),
 * revoked (401), user (403), capacity (503, or 1013 after the upgrade for a browser), connect
 * rate (429). Counts each refusal in `alert_server_rejected_total`. Both ways in share it: the
 * upgrade fast path and the Fastify route.
 */
export async function admitUpgrade(ctx: AppContext, ask: UpgradeAsk): Promise<Admission> {
  const refuse = (
    error: ServerError,
    reason: ServerRejectReason,
    retryAfterS?: number,
  ): Admission => {
    ctx.metrics.rejected.inc({ reason });
    return { kind: 'refuse', error, retryAfterS };
  };
  if (ctx.isShuttingDown()) {
    return refuse(
      new ServerError(ServerErrorCode.SHUTTING_DOWN, 503, 'server is shutting down'),
      'shutting_down',
      1,
    );
  }
  const { headers } = ask;
  const token = extractToken({
    authorization: headers.authorization,
    subprotocols: headers['sec-websocket-protocol'],
    query: ask.queryToken,
  });
  if (token === undefined) {
    return refuse(
      new ServerError(ServerErrorCode.UNAUTHORIZED, 401, 'missing bearer token'),
      'unauthorized',
    );
  }
  let principal: Principal;
  try {
    principal = await ctx.verifyToken(token, ctx.clock.now());
  } catch (error) {
    if (error instanceof ServerError) return refuse(error, 'unauthorized');
    throw error;
  }
  if (ctx.service.isRevoked(principal.issuedAtMs)) {
    return refuse(
      new ServerError(ServerErrorCode.TOKEN_REVOKED, 401, 'token revoked'),
      'unauthorized',
    );
  }
  if (principal.userId !== ask.userId) {
    return refuse(
      new ServerError(
        ServerErrorCode.FORBIDDEN,
        403,
        'token sub does not match the user in the path',
      ),
      'forbidden',
    );
  }
  const { maxConnections, fullRetryAfterS } = ctx.service.limits;
  if (ctx.service.connectionCount >= maxConnections) {
    // Spread the herd: each refused client waits its own 1..fullRetryAfterS s.
    const retryAfterS = 1 + Math.floor(ctx.random() * Math.max(1, fullRetryAfterS));
    if (headers.origin !== undefined) {
      ctx.metrics.rejected.inc({ reason: 'full' });
      return { kind: 'close', code: CloseCode.TRY_AGAIN_LATER, retryAfterMs: retryAfterS * 1000 };
    }
    return refuse(
      new ServerError(
        ServerErrorCode.FULL,
        503,
        `this instance holds its maximum of ${maxConnections} connections; retry in ${retryAfterS} s`,
      ),
      'full',
      retryAfterS,
    );
  }
  const admission = await ctx.service.admitConnect(principal.userId);
  if (!admission.ok) {
    return refuse(
      new ServerError(
        ServerErrorCode.RATE_LIMITED,
        429,
        `more than ${ctx.service.limits.connectsPerMinute} connections per minute`,
      ),
      'rate_limited',
      Math.ceil(admission.retryAfterMs / 1000),
    );
  }
  return { kind: 'open', principal };
}
