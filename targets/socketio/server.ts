/**
 * A reference target: a Socket.IO 4 alert service, with or without connection-state recovery.
 * Alerts are `breach_alert` events to the room `user:<sub>`; only recovery replays missed ones.
 */
import { createServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { extractToken } from '../../src/server/auth.js';
import { systemClock, type Clock } from '../../src/protocol/clock.js';
import { createTargetAuth, type Principal, type TargetAuth } from '../shared/auth.js';
import { toTargetError } from '../shared/errors.js';
import { formatHostPort, listen } from '../shared/http.js';
import { createHttpRoutes, type PublishRequest } from '../shared/publish.js';
import {
  isMainModule,
  readDurationEnv,
  readTargetEnv,
  runTargetScript,
  type RunningTarget,
} from '../shared/script.js';

/** Socket.IO's default time between two engine pings, in milliseconds. */
export const DEFAULT_PING_INTERVAL_MS = 25_000;
/** Socket.IO's default wait for a pong before the connection counts as closed, in milliseconds. */
export const DEFAULT_PING_TIMEOUT_MS = 20_000;
/** Socket.IO's default window for recovering a connection's state, in milliseconds. */
export const DEFAULT_MAX_DISCONNECTION_DURATION_MS = 120_000;

/** The event every alert is emitted as. */
export const ALERT_EVENT = 'breach_alert';

/** Options for {@link startSocketIoTarget}. */
export interface SocketIoTargetOptions {
  /** TCP port; default 0 (a free one). */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** HS256 secret the tokens are signed with. */
  secret: string;
  /** Enables connection-state recovery (in-memory); default false. */
  recovery?: boolean;
  /** Time between two engine pings, in milliseconds; default 25000. */
  pingIntervalMs?: number;
  /** Wait for a pong before the connection counts as closed, in milliseconds; default 20000. */
  pingTimeoutMs?: number;
  /** With recovery: how long a disconnected session and its missed alerts are kept, in ms; default 120000. */
  maxDisconnectionDurationMs?: number;
  /** Source of time for token expiry; default the system clock. */
  clock?: Clock;
}

/** A running Socket.IO target. */
export interface SocketIoTarget {
  port: number;
  /** `http://host:port`: the Socket.IO URL, and the base of `POST /publish` and `GET /healthz`. */
  httpUrl: string;
  /** Drops every socket and stops listening. */
  close(): Promise<void>;
}

/** Events the server emits. */
interface ServerToClientEvents {
  breach_alert: (alert: Record<string, unknown>) => void;
}

/** Events clients may emit: none are handled. */
type ClientToServerEvents = Record<string, never>;

type TargetServer = Server<ClientToServerEvents, ServerToClientEvents, never, SocketData>;
type TargetSocket = Socket<ClientToServerEvents, ServerToClientEvents, never, SocketData>;

/** Data the auth middleware leaves on each socket. */
interface SocketData {
  userId: string;
}

/** The room a user's sockets join. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/**
 * Starts the target. A socket authenticates with a token whose `sub` becomes its user; each
 * `POST /publish` is emitted as `breach_alert` to that user's room.
 */
export async function startSocketIoTarget(options: SocketIoTargetOptions): Promise<SocketIoTarget> {
  const host = options.host ?? '127.0.0.1';
  const auth = createTargetAuth(options.secret, options.clock ?? systemClock);

  // Requests arrive only once the server listens, after `ioServer` exists.
  const deliver = ({ userId, alert }: PublishRequest): number => {
    const room = userRoom(userId);
    // Sockets connected now; with recovery, a disconnected one still gets the alert on return.
    const sockets = ioServer.sockets.adapter.rooms.get(room)?.size ?? 0;
    ioServer.to(room).emit(ALERT_EVENT, alert);
    return sockets;
  };

  // Socket.IO takes over the request listener and hands it every request outside /socket.io/.
  const server = createServer(createHttpRoutes(auth, deliver));
  const serverOptions: Partial<ServerOptions> = {
    pingInterval: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    pingTimeout: options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS,
  };
  if (options.recovery === true) {
    serverOptions.connectionStateRecovery = {
      maxDisconnectionDuration:
        options.maxDisconnectionDurationMs ?? DEFAULT_MAX_DISCONNECTION_DURATION_MS,
      // A recovered socket still proves who it is: its token may have expired meanwhile.
      skipMiddlewares: false,
    };
  }
  const ioServer: TargetServer = new Server(server, serverOptions);

  ioServer.use((socket, next) => {
    authenticate(socket, auth).then(
      (principal) => {
        socket.data.userId = principal.userId;
        next();
      },
      (error: unknown) => {
        const reason = toTargetError(error);
        // Socket.IO sends `data` to the client with its connect_error.
        const refusal = Object.assign(new Error('unauthorized'), {
          data: { code: reason.code, message: reason.message },
        });
        next(refusal);
      },
    );
  });
  ioServer.on('connection', (socket) => {
    void socket.join(userRoom(socket.data.userId));
  });

  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    await ioServer.close();
    throw error;
  }
  return {
    port,
    httpUrl: `http://${formatHostPort(host, port)}`,
    async close() {
      // Closes every socket, then the HTTP server (idle keep-alive connections included).
      await ioServer.close();
    },
  };
}

/** Verifies the handshake's token: `auth.token`, then `Authorization: Bearer`, then `?token=`. */
function authenticate(socket: TargetSocket, auth: TargetAuth): Promise<Principal> {
  const { handshake } = socket;
  const fromAuth: unknown = (handshake.auth as Record<string, unknown>).token;
  const fromQuery = handshake.query.token;
  const token =
    typeof fromAuth === 'string' && fromAuth !== ''
      ? fromAuth
      : extractToken({
          authorization: handshake.headers.authorization,
          subprotocols: undefined,
          query: typeof fromQuery === 'string' ? fromQuery : undefined,
        });
  return auth.verify(token);
}

async function startFromEnv(): Promise<RunningTarget> {
  const env = readTargetEnv(process.env);
  const recovery = process.env.RECOVERY === '1';
  const target = await startSocketIoTarget({
    ...env,
    recovery,
    pingIntervalMs: readDurationEnv(process.env, 'PING_INTERVAL_MS', DEFAULT_PING_INTERVAL_MS),
    pingTimeoutMs: readDurationEnv(process.env, 'PING_TIMEOUT_MS', DEFAULT_PING_TIMEOUT_MS),
  });
  return {
    banner: `socketio target listening on ${target.httpUrl} (recovery ${recovery ? 'on' : 'off'})`,
    close: () => target.close(),
  };
}

if (isMainModule(import.meta.url)) runTargetScript(startFromEnv);
