// Socket.IO 4 services through socket.io-client, as a transport that speaks protocol v1 to the
// client's machine: `connect` becomes an open socket and a `hello`, the alert event becomes
// `breach_alert`, Engine.IO's ping becomes a sign of life, and its ping timeout a heartbeat
// timeout.
import { io, type Socket } from 'socket.io-client';
import { CloseCode, systemClock, type Clock } from '../../protocol/index.js';
import { toBreachAlert, FOREIGN_EPOCH } from '../profiles/adapter.js';
import { readPointer } from '../profiles/json-pointer.js';
import type { SocketIoProfile } from '../profiles/types.js';
import { ABNORMAL_CLOSURE, type CloseInfo, type SocketHandlers, type Transport } from './types.js';

/** Options of {@link createSocketIoTransport}. */
export interface SocketIoTransportOptions {
  /** The profile (event name, Engine.IO path, token placement, alert rule). */
  profile?: SocketIoProfile;
  /** The user whose alerts these are. */
  userId: string;
  clock?: Clock;
  /** Ids remembered for dedupe across reconnects. Default 10 000. */
  dedupeWindow?: number;
}

const DEFAULT_EVENT = 'breach_alert';

/**
 * A transport over `socket.io-client` (WebSocket only, its own reconnection off: the client's
 * machine reconnects). One per client: its single Socket keeps the session id Socket.IO's
 * connection-state recovery needs, so a server that offers recovery replays what was missed.
 * The URL's path is the namespace (`ws://host:port/` for the main one).
 */
export function createSocketIoTransport(options: SocketIoTransportOptions): Transport {
  const profile: SocketIoProfile = options.profile ?? { kind: 'socketio' };
  const clock = options.clock ?? systemClock;
  const event = profile.event ?? DEFAULT_EVENT;
  const rule = profile.alert ?? {};
  const dedupeWindow = options.dedupeWindow ?? 10_000;
  const seenIds = new Set<string>();
  let localSeq = 0;
  let connections = 0;
  let socket: Socket | undefined;
  let socketUrl = '';
  /** The handlers of the attempt or connection in progress; undefined between them. */
  let current: SocketHandlers | undefined;
  let token: string | undefined;
  let closingWith: { code: number; reason: string } | undefined;
  /** True once the current attempt's `connect` was announced. */
  let opened = false;
  let held: unknown[][] = [];

  const end = (info: CloseInfo): void => {
    const handlers = current;
    current = undefined;
    opened = false;
    held = [];
    handlers?.onClose(info);
  };

  const deliver = (message: Record<string, unknown>): void =>
    current?.onMessage(JSON.stringify(message));

  const onAlert = (...args: unknown[]): void => {
    if (current === undefined) return;
    // A recovered session's missed events are emitted before `connect`: held until then.
    if (!opened) {
      held.push(args);
      return;
    }
    const data = args[0];
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
    const inner = readPointer(data, rule.dataPointer ?? '');
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return;
    const rawId = rule.idPointer === undefined ? undefined : readPointer(data, rule.idPointer);
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
    if (id !== undefined) {
      if (seenIds.has(id)) return;
      seenIds.add(id);
      if (seenIds.size > dedupeWindow) seenIds.delete(seenIds.values().next().value as string);
    }
    localSeq += 1;
    deliver(
      toBreachAlert(inner as Record<string, unknown>, {
        id,
        seq: localSeq,
        userId: options.userId,
        at: clock.now(),
      }),
    );
  };

  function build(url: string): Socket {
    const parsed = new URL(url);
    parsed.protocol = parsed.protocol === 'wss:' ? 'https:' : 'http:';
    const placement = profile.token ?? { in: 'auth' };
    const created = io(parsed.toString(), {
      path: profile.enginePath ?? '/socket.io/',
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      // The machine's connect timeout governs; this one only must not fire first.
      timeout: 600_000,
      auth: (cb: (data: object) => void) => {
        cb(placement.in === 'auth' && token !== undefined ? { token } : {});
      },
    });
    created.on('connect', () => {
      connections += 1;
      current?.onOpen();
      deliver({
        type: 'hello',
        connectionId: `socketio-${connections}`,
        epoch: FOREIGN_EPOCH,
        serverTime: clock.now(),
        heartbeat: { intervalMs: 0, timeoutMs: 0 },
      });
      opened = true;
      const replayed = held;
      held = [];
      for (const args of replayed) onAlert(...args);
    });
    created.on('connect_error', (error: Error & { data?: unknown }) => {
      // A middleware's refusal carries its message; the usual words map to the statuses the
      // client acts on (refresh the token once; never retry a forbidden user).
      const text = error.message;
      const httpStatus = /unauthori[sz]ed/i.test(text)
        ? 401
        : /forbidden/i.test(text)
          ? 403
          : undefined;
      end({
        code: ABNORMAL_CLOSURE,
        reason: text,
        wasClean: false,
        ...(httpStatus === undefined ? {} : { httpStatus }),
      });
    });
    created.on('disconnect', (reason: string) => {
      const asked = closingWith;
      closingWith = undefined;
      if (asked !== undefined) {
        end({ ...asked, wasClean: true });
      } else if (reason === 'ping timeout') {
        end({ code: CloseCode.HEARTBEAT_TIMEOUT, reason, wasClean: false, heartbeatTimeout: true });
      } else if (reason === 'io server disconnect') {
        end({ code: CloseCode.NORMAL, reason, wasClean: true });
      } else {
        end({ code: ABNORMAL_CLOSURE, reason, wasClean: false });
      }
    });
    created.io.on('ping', () => current?.onActivity?.());
    created.on(event, onAlert);
    return created;
  }

  return {
    speaks: 'socketio',
    open(request, handlers) {
      if (socket === undefined || socketUrl !== request.url) {
        socket?.disconnect();
        socket = build(request.url);
        socketUrl = request.url;
      }
      const placement = profile.token ?? { in: 'auth' };
      token = request.token;
      const opts = socket.io.opts;
      if (placement.in === 'header' && token !== undefined) {
        opts.extraHeaders = {
          [placement.name ?? 'authorization']: (placement.prefix ?? 'Bearer ') + token,
        };
      } else if (placement.in === 'query' && token !== undefined) {
        opts.query = { [placement.name ?? 'token']: (placement.prefix ?? '') + token };
      }
      current = handlers;
      closingWith = undefined;
      opened = false;
      held = [];
      socket.connect();
      const mine = socket;
      return {
        kind: 'websocket',
        send(data) {
          const message = JSON.parse(data) as { type: string };
          // Recovery replays what it can right after connecting, as events; there is no
          // resume to answer beyond saying so. Pings are off (Engine.IO's heartbeat rules).
          if (message.type === 'resume')
            deliver({ type: 'resumed', replayed: 0, gap: false, missed: 0 });
        },
        close(code, reason) {
          if (current !== handlers) return;
          if (mine.connected) {
            closingWith = { code, reason };
            mine.disconnect();
          } else {
            // An attempt still connecting: abandon it.
            mine.disconnect();
            end({ code, reason, wasClean: false });
          }
        },
      };
    },
  };
}
