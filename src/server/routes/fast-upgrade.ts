import { ServerResponse, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { MAX_USER_ID } from '../../protocol/index.js';
import type { AppContext } from '../context.js';
import { errorBodyOf, httpReason, type ErrorBody } from '../http-errors.js';
import { admitUpgrade, type Admission } from './ws-admission.js';
import { openUpgraded } from './ws.js';

const PREFIX = '/ws/breach-alerts/';
/**
 * A user id the router would hand over unchanged: no escapes to decode, no path or query
 * delimiters, at most {@link MAX_USER_ID} characters.
 */
const PLAIN_USER_ID = new RegExp(`^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,${MAX_USER_ID}}$`);
/** The one query read here: `token=` with a JWT's characters, nothing to decode. */
const PLAIN_TOKEN_QUERY = /^token=([A-Za-z0-9._~-]+)$/;

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Takes `GET /ws/breach-alerts/:userId` upgrades before Fastify's router does: the same checks
 * (./ws-admission.ts), the same refusals (status, JSON body, Retry-After, the socket closed
 * after them) and the same sessions, without a router lookup, a Fastify request and reply, a
 * hook chain and a ServerResponse per connection: about a quarter of a connect's server CPU
 * (`npm run bench -- server`, connect all). An upgrade whose URL needs decoding (an escaped
 * user id, any other query) goes on to the listeners that were there, @fastify/websocket's,
 * which route it to the same checks.
 *
 * The 101 response and the session's hello leave in one write: the socket is corked across the
 * upgrade, and the session's first frame uncorks it (./socket-link.ts). A session that sends
 * nothing at once (a broker slow to answer) has it uncorked at the end of the loop's turn.
 *
 * Call once the routes are registered (the listeners to fall back on are taken then).
 */
export function takeUpgrades(server: Server, wss: WebSocketServer, ctx: AppContext): void {
  const fallbacks = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  const fallBack = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    for (const listener of fallbacks) listener.call(server, request, socket, head);
  };
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const ask = plainAsk(request);
    if (ask === undefined) {
      fallBack(request, socket, head);
      return;
    }
    // Node takes its error listener off before 'upgrade': a reset while the checks run must not
    // throw. ws puts its own on in handleUpgrade.
    socket.on('error', destroyOnError);
    admitUpgrade(ctx, { ...ask, headers: request.headers }).then(
      (admission) => {
        if (admission.kind === 'refuse') {
          refuse(request, socket, admission);
          return;
        }
        upgrade(request, socket as Socket, head, wss, ctx, admission);
      },
      (error: unknown) => {
        ctx.log.error({ err: error }, 'request failed');
        writeError(request, socket, 500, {
          error: httpReason(500),
          code: 'SRV_INTERNAL',
          statusCode: 500,
          message: 'internal error',
        });
      },
    );
  });
}

/** The user and query token of a plain upgrade URL, or undefined to leave it to the router. */
function plainAsk(
  request: IncomingMessage,
): { userId: string; queryToken: string | undefined } | undefined {
  const url = request.url;
  if (request.method !== 'GET' || url === undefined || !url.startsWith(PREFIX)) return undefined;
  const query = url.indexOf('?', PREFIX.length);
  const userId = url.slice(PREFIX.length, query < 0 ? undefined : query);
  if (!PLAIN_USER_ID.test(userId)) return undefined;
  if (query < 0) return { userId, queryToken: undefined };
  const token = PLAIN_TOKEN_QUERY.exec(url.slice(query + 1));
  return token === null ? undefined : { userId, queryToken: token[1] };
}

function upgrade(
  request: IncomingMessage,
  socket: Socket,
  head: Buffer,
  wss: WebSocketServer,
  ctx: AppContext,
  admission: Admission,
): void {
  if (socket.destroyed) return;
  socket.off('error', destroyOnError);
  socket.cork();
  wss.handleUpgrade(request, socket, head, (ws) => openUpgraded(ctx, ws, socket, admission));
  setImmediate(uncork, socket);
}

function uncork(socket: Socket): void {
  if (socket.writableCorked !== 0) socket.uncork();
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

function refuse(
  request: IncomingMessage,
  socket: Duplex,
  admission: Extract<Admission, { kind: 'refuse' }>,
): void {
  const { error } = admission;
  writeError(request, socket, error.statusCode, errorBodyOf(error), admission.retryAfterS);
}

/** Answers the upgrade with `status` and `body` as the router's error replies do, then ends it. */
function writeError(
  request: IncomingMessage,
  socket: Duplex,
  status: number,
  body: ErrorBody,
  retryAfterS?: number,
): void {
  if (socket.destroyed) return;
  const response = new ServerResponse(request);
  response.assignSocket(socket as Socket);
  response.statusCode = status;
  response.statusMessage = STATUS_CODES[status] ?? httpReason(status);
  response.setHeader('content-type', 'application/json; charset=utf-8');
  if (retryAfterS !== undefined) response.setHeader('Retry-After', String(retryAfterS));
  const text = JSON.stringify(body);
  response.setHeader('content-length', Buffer.byteLength(text));
  // A refused upgrade's socket is not kept for another request (as @fastify/websocket does).
  response.end(text, () => socket.destroy());
}
