/**
 * A reference target: a hand-rolled `ws` alert service with control-frame pings only. No
 * application heartbeat, no sequence numbers, no replay: what a socket misses is gone.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { systemClock, type Clock } from '../../src/protocol/clock.js';
import { createTargetAuth, requestToken, requestUrl, type TargetAuth } from '../shared/auth.js';
import { TargetError, TargetErrorCode, toTargetError } from '../shared/errors.js';
import { closeServer, formatHostPort, listen, rejectUpgrade } from '../shared/http.js';
import { createHttpRoutes, isUserId, type PublishRequest } from '../shared/publish.js';
import {
  isMainModule,
  readDurationEnv,
  readTargetEnv,
  runTargetScript,
  type RunningTarget,
} from '../shared/script.js';
import { createHeartbeat } from './heartbeat.js';

/** Default time between two control-frame pings of a socket, in milliseconds. */
export const DEFAULT_PING_INTERVAL_MS = 30_000;

/** Options for {@link startWsPingTarget}. */
export interface WsPingTargetOptions {
  /** TCP port; default 0 (a free one). */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** HS256 secret the tokens are signed with. */
  secret: string;
  /** Time between two pings of a socket, in milliseconds; default 30000. */
  pingIntervalMs?: number;
  /** Source of time for pings and token expiry; default the system clock. */
  clock?: Clock;
}

/** A running ws-ping target. */
export interface WsPingTarget {
  port: number;
  /** `http://host:port`, for `POST /publish` and `GET /healthz`. */
  httpUrl: string;
  /** The WebSocket URL for `userId`: `ws://host:port/ws/<userId>`. */
  wsUrl(userId: string): string;
  /**
   * Stops listening and closes every socket with 1001; resolves once they have closed (ws ends a
   * socket whose peer does not answer the close within 30 s).
   */
  close(): Promise<void>;
}

const SOCKET_PATH = /^\/ws\/([^/]*)$/;

/**
 * Starts the target. Sockets open at `/ws/<userId>` with a token whose `sub` is `userId`; each
 * `POST /publish` is written as one JSON text frame to every open socket of its user.
 */
export async function startWsPingTarget(options: WsPingTargetOptions): Promise<WsPingTarget> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const auth = createTargetAuth(options.secret, clock);
  const heartbeat = createHeartbeat({
    clock,
    intervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
  });
  const socketsByUser = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ noServer: true });

  const deliver = ({ userId, alert }: PublishRequest): number => {
    const frame = JSON.stringify(alert);
    let sent = 0;
    for (const socket of socketsByUser.get(userId) ?? []) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      socket.send(frame);
      sent++;
    }
    return sent;
  };

  const accept = (socket: WebSocket, userId: string): void => {
    let sockets = socketsByUser.get(userId);
    if (sockets === undefined) {
      sockets = new Set();
      socketsByUser.set(userId, sockets);
    }
    sockets.add(socket);
    heartbeat.watch(socket);
    // Text frames from clients are ignored; errors only end the socket.
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && socketsByUser.get(userId) === sockets) {
        socketsByUser.delete(userId);
      }
    });
  };

  const server = createServer(createHttpRoutes(auth, deliver));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The raw socket may fail while the token is checked; without a listener that would throw.
    socket.on('error', () => socket.destroy());
    authorizeUpgrade(req, auth).then(
      (userId) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => accept(ws, userId));
      },
      (error: unknown) => rejectUpgrade(socket, toTargetError(error)),
    );
  });

  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    heartbeat.stop();
    throw error;
  }
  const origin = formatHostPort(host, port);
  return {
    port,
    httpUrl: `http://${origin}`,
    wsUrl: (userId) => `ws://${origin}/ws/${encodeURIComponent(userId)}`,
    async close() {
      heartbeat.stop();
      // 1001 Going Away (RFC 6455 §7.4.1); ws destroys a socket whose peer never answers.
      for (const socket of wss.clients) socket.close(1001, 'server shutting down');
      wss.close();
      // Resolves once every socket has finished its closing handshake.
      await closeServer(server);
    },
  };
}

/** Resolves with the user the upgrade is for, once its token proves it is that user. */
async function authorizeUpgrade(req: IncomingMessage, auth: TargetAuth): Promise<string> {
  const { pathname } = requestUrl(req);
  const match = SOCKET_PATH.exec(pathname);
  if (match === null) {
    throw new TargetError(
      TargetErrorCode.NOT_FOUND,
      `expected an upgrade on /ws/<userId>, got ${pathname}`,
    );
  }
  const userId = match[1];
  if (!isUserId(userId)) {
    throw new TargetError(
      TargetErrorCode.BAD_REQUEST,
      `expected /ws/<userId> with 1-64 characters of [A-Za-z0-9_.-], got ${pathname}`,
    );
  }
  const principal = await auth.verify(requestToken(req));
  if (principal.userId !== userId) {
    throw new TargetError(
      TargetErrorCode.FORBIDDEN,
      `expected a token for user "${userId}", got one for "${principal.userId}"`,
    );
  }
  return userId;
}

async function startFromEnv(): Promise<RunningTarget> {
  const env = readTargetEnv(process.env);
  const pingIntervalMs = readDurationEnv(process.env, 'PING_INTERVAL_MS', DEFAULT_PING_INTERVAL_MS);
  const target = await startWsPingTarget({ ...env, pingIntervalMs });
  return { banner: `ws-ping target listening on ${target.httpUrl}`, close: () => target.close() };
}

if (isMainModule(import.meta.url)) runTargetScript(startFromEnv);
