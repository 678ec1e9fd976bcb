import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CloseCode } from '../../protocol/index.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import type { ServerRejectReason } from '../../metrics/index.js';
import type { AppContext } from '../context.js';
import { extractToken, type Principal } from '../auth.js';
import { sendError } from '../http-errors.js';
import { SocketLink } from './socket-link.js';

interface WsRoute {
  Params: { userId: string };
  Querystring: { token?: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The HTTP response of an upgrade, released once the socket is handed to ws. */
    upgradeResponse?: ServerResponse | undefined;
    /** A refusal given after the upgrade, as a close frame a browser can read (1013). */
    closeRefusal?: { code: number; retryAfterMs: number } | undefined;
  }
}

/** `GET /ws/breach-alerts/:userId`: authenticates at HTTP, then runs a session per socket. */
export function wsRoutes(ctx: AppContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<WsRoute>(
      '/ws/breach-alerts/:userId',
      {
        websocket: true,
        preValidation: async (request: FastifyRequest<WsRoute>, reply: FastifyReply) => {
          const refuse = (error: ServerError, labels: { reason: ServerRejectReason }) => {
            ctx.metrics.rejected.inc(labels);
            return sendError(reply, error);
          };
          if (ctx.isShuttingDown()) {
            reply.header('Retry-After', '1');
            return refuse(
              new ServerError(ServerErrorCode.SHUTTING_DOWN, 503, 'server is shutting down'),
              { reason: 'shutting_down' },
            );
          }
          const token = extractToken({
            authorization: request.headers.authorization,
            subprotocols: request.headers['sec-websocket-protocol'],
            query: request.query.token,
          });
          if (token === undefined) {
            return refuse(
              new ServerError(ServerErrorCode.UNAUTHORIZED, 401, 'missing bearer token'),
              { reason: 'unauthorized' },
            );
          }
          let principal: Principal;
          try {
            principal = await ctx.verifyToken(token, ctx.clock.now());
          } catch (error) {
            if (error instanceof ServerError) return refuse(error, { reason: 'unauthorized' });
            throw error;
          }
          if (ctx.service.isRevoked(principal.issuedAtMs)) {
            return refuse(new ServerError(ServerErrorCode.TOKEN_REVOKED, 401, 'token revoked'), {
              reason: 'unauthorized',
            });
          }
          if (principal.userId !== request.params.userId) {
            return refuse(
              new ServerError(
                ServerErrorCode.FORBIDDEN,
                403,
                'token sub does not match the user in the path',
              ),
              { reason: 'forbidden' },
            );
          }
          const { maxConnections, fullRetryAfterS } = ctx.service.limits;
          if (ctx.service.connectionCount >= maxConnections) {
            // Spread the herd: each refused client waits its own 1..fullRetryAfterS s.
            const retryAfterS = 1 + Math.floor(ctx.random() * Math.max(1, fullRetryAfterS));
            if (request.headers.origin !== undefined) {
              // A browser (it always sends Origin) sees a refused upgrade only as 1006, without
              // status or headers: it gets the socket, closed at once with 1013 and the wait.
              ctx.metrics.rejected.inc({ reason: 'full' });
              request.closeRefusal = {
                code: CloseCode.TRY_AGAIN_LATER,
                retryAfterMs: retryAfterS * 1000,
              };
              return;
            }
            reply.header('Retry-After', String(retryAfterS));
            return refuse(
              new ServerError(
                ServerErrorCode.FULL,
                503,
                `this instance holds its maximum of ${maxConnections} connections; retry in ${retryAfterS} s`,
              ),
              { reason: 'full' },
            );
          }
          const admission = await ctx.service.admitConnect(principal.userId);
          if (!admission.ok) {
            reply.header('Retry-After', String(Math.ceil(admission.retryAfterMs / 1000)));
            return refuse(
              new ServerError(
                ServerErrorCode.RATE_LIMITED,
                429,
                `more than ${ctx.service.limits.connectsPerMinute} connections per minute`,
              ),
              { reason: 'rate_limited' },
            );
          }
          request.principal = principal;
          request.upgradeResponse = reply.raw;
        },
      },
      (socket: WebSocket, request) => {
        releaseUpgradeObjects(socket, request);
        const refusal = request.closeRefusal;
        if (refusal === undefined && request.principal !== undefined) {
          attachSession(ctx, socket, request.principal, request.raw.socket);
          return;
        }
        ctx.sockets.add(socket);
        socket.once('close', () => ctx.sockets.delete(socket));
        if (refusal !== undefined) {
          socket.close(refusal.code, JSON.stringify({ retryAfterMs: refusal.retryAfterMs }));
          return;
        }
        socket.close(1011, 'internal error');
      },
    );
  };
}

/**
 * Lets the upgrade's HTTP objects be collected. Without this every open socket keeps its
 * ServerResponse (through the TCP socket) and the Fastify request and reply (through
 * @fastify/websocket's error listener): about 6 KiB of memory per connection, more than the
 * session itself (bench/server/mem-probe.ts measures it). The session handles socket errors.
 */
function releaseUpgradeObjects(socket: WebSocket, request: FastifyRequest): void {
  const response = request.upgradeResponse;
  request.upgradeResponse = undefined;
  if (response?.socket !== null && response?.socket !== undefined) {
    response.detachSocket(response.socket);
  }
  socket.removeAllListeners('error');
}

function attachSession(
  ctx: AppContext,
  socket: WebSocket,
  principal: Principal,
  raw: Socket,
): void {
  const link = new SocketLink(socket, raw, ctx.log, ctx.sockets);
  link.attach(
    ctx.service.open(link, {
      userId: principal.userId,
      tokenExpiresAtMs: principal.expiresAtMs,
      tokenIssuedAtMs: principal.issuedAtMs,
    }),
  );
}
