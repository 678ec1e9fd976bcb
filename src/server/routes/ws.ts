import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { AppContext } from '../context.js';
import type { Principal } from '../auth.js';
import { sendError } from '../http-errors.js';
import { SocketLink } from './socket-link.js';
import { admitUpgrade, type Admission } from './ws-admission.js';

interface WsRoute {
  Params: { userId: string };
  Querystring: { token?: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What the upgrade's checks decided: a session, or a refusal told after the upgrade. */
    admission?: Admission;
    /** The HTTP response of an upgrade, released once the socket is handed to ws. */
    upgradeResponse?: ServerResponse | undefined;
  }
}

/**
 * `GET /ws/breach-alerts/:userId`: authenticates at HTTP, then runs a session per socket. Most
 * upgrades never reach this route: the fast path (./fast-upgrade.ts) takes every plain one
 * before Fastify's router; this route serves the rest (an escaped user id, an unusual query)
 * with the same checks.
 */
export function wsRoutes(ctx: AppContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<WsRoute>(
      '/ws/breach-alerts/:userId',
      {
        websocket: true,
        preValidation: async (request: FastifyRequest<WsRoute>, reply: FastifyReply) => {
          const query = request.query.token;
          const admission = await admitUpgrade(ctx, {
            userId: request.params.userId,
            headers: request.headers,
            queryToken: typeof query === 'string' ? query : undefined,
          });
          if (admission.kind === 'refuse') {
            if (admission.retryAfterS !== undefined) {
              reply.header('Retry-After', String(admission.retryAfterS));
            }
            return sendError(reply, admission.error);
          }
          request.admission = admission;
          request.upgradeResponse = reply.raw;
        },
      },
      (socket: WebSocket, request) => {
        releaseUpgradeObjects(socket, request);
        openUpgraded(ctx, socket, request.raw.socket, request.admission);
      },
    );
  };
}

/**
 * Runs what an admitted upgrade gets: a session, or the close frame of a refusal told after the
 * upgrade (or 1011 when there is no admission, which a route without its checks would be).
 */
export function openUpgraded(
  ctx: AppContext,
  socket: WebSocket,
  raw: Socket,
  admission: Admission | undefined,
): void {
  if (admission?.kind === 'open') {
    attachSession(ctx, socket, admission.principal, raw);
    return;
  }
  ctx.sockets.add(socket);
  socket.once('close', () => ctx.sockets.delete(socket));
  if (admission?.kind === 'close') {
    socket.close(admission.code, JSON.stringify({ retryAfterMs: admission.retryAfterMs }));
    return;
  }
  socket.close(1011, 'internal error');
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
  const link = new SocketLink(socket, raw, ctx.log, ctx.sockets, ctx.frames, ctx.alertFrames);
  link.attach(
    ctx.service.open(link, {
      userId: principal.userId,
      tokenExpiresAtMs: principal.expiresAtMs,
      tokenIssuedAtMs: principal.issuedAtMs,
    }),
  );
}
