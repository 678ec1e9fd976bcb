import type { ClientError } from '../errors.js';

/** How a socket ended, as the machine needs it. */
export interface CloseInfo {
  /** WebSocket close code; 1006 when the connection failed without a close frame. */
  code: number;
  /** Close reason text ('' when none). */
  reason: string;
  /** True when a close frame was exchanged. */
  wasClean: boolean;
  /** HTTP status of a refused upgrade (401, 403, 429…), when the transport can see it. */
  httpStatus?: number;
  /** Wait requested by a refused upgrade's `Retry-After` header, in ms. */
  retryAfterMs?: number;
  /**
   * True when the transport's own heartbeat found the link dead (Engine.IO's ping timeout):
   * counted as a heartbeat timeout, detected since the last sign of life.
   */
  heartbeatTimeout?: boolean;
}

/** How a connection's frames travel: a WebSocket, or HTTP long polling standing in for one. */
export type TransportKind = 'websocket' | 'polling';

/** What a transport reports about one socket. Each socket reports `onClose` exactly once. */
export interface SocketHandlers {
  /** The upgrade succeeded; frames may be sent. */
  onOpen(): void;
  /** One frame: a string for text frames, anything else is a binary frame. */
  onMessage(data: unknown): void;
  /** The socket is gone, whether it ever opened or not. No callback follows. */
  onClose(info: CloseInfo): void;
  /**
   * The open connection now travels another way (a fallback socket moved from polling to a
   * WebSocket without interrupting the stream). Optional: only fallback transports call it.
   */
  onTransport?(kind: TransportKind): void;
  /**
   * The link showed life without a frame for the client (a heartbeat the transport answers
   * itself, such as Engine.IO's ping). Optional.
   */
  onActivity?(): void;
  /** A control-frame pong (RFC 6455 §5.5.3) arrived with this payload. Optional. */
  onPong?(data: string): void;
  /**
   * Something about the socket is worth reporting but does not end it (a frame a profile could
   * not place). Optional: the client reports it as an `error` event.
   */
  onError?(error: ClientError): void;
}

/** One socket opened by a transport. */
export interface TransportSocket {
  /** How this socket's frames travel now. Absent: a WebSocket. */
  readonly kind?: TransportKind;
  /** Sends a text frame; ignored when the socket is not open. */
  send(data: string): void;
  /**
   * Sends a control-frame ping (RFC 6455 §5.5.2) carrying `data`; its pong reaches
   * `SocketHandlers.onPong`. Absent where the platform cannot (browsers).
   */
  ping?(data: string): void;
  /** Starts the closing handshake (or aborts a pending upgrade). Idempotent. */
  close(code: number, reason: string): void;
  /**
   * Optional, for transports that can foresee heartbeats (the simulator's quiet links): offered
   * the ping the `ping` timer is about to send, returns true when it takes over the heartbeat.
   * It then plays this ping and the ones that follow every `intervalMs` without frames: it
   * reports the round trips that completed with `pongs(arrivedAt, rttMs)` (in order; at the
   * latest before anything else happens on the socket), and, once something touches the
   * connection, hands the heartbeat back with exactly one of `replay()` (a ping was due and is
   * still out: the client sends it after all, as of then) or `release()` followed by `rearm()`
   * (the next ping is not due yet: the timer is set again as the last ping set it).
   */
  echoPing?(ping: EchoedPing): boolean;
  /** Settles the heartbeats it plays before anything else happens on this socket. */
  flush?(): void;
}

/** A heartbeat handed to {@link TransportSocket.echoPing}. */
export interface EchoedPing {
  /** The pong must come back sooner than this, ms. */
  readonly maxRttMs: number;
  /** The `ping` timer's period, ms. */
  readonly intervalMs: number;
  /** Arms the next `ping` timer, as sending a ping does. */
  readonly rearm: () => void;
  /** Hands the heartbeat back and sends the ping for real (as of the moment it was due). */
  readonly replay: () => void;
  /** Hands the heartbeat back without sending anything. */
  readonly release: () => void;
  /**
   * Pong i arrived at `arrivedAt[i]`, `rttMs[i]` after its ping left (by now, in order). The
   * client keeps both arrays: pass arrays of their own for each call.
   */
  readonly pongs: (arrivedAt: readonly number[], rttMs: readonly number[]) => void;
}

/** What the client asks a transport to open. */
export interface OpenRequest {
  /** Full endpoint URL, e.g. `ws://127.0.0.1:8080/ws/breach-alerts/alice`. */
  url: string;
  /** Bearer token from `getToken`, if any; each transport carries it its own way. */
  token: string | undefined;
  /**
   * Subprotocols to offer. Absent: `stormwatch.v1` (and, in browsers, `bearer.<token>`). A
   * profile for a foreign service sets its own (often none).
   */
  subprotocols?: readonly string[];
  /**
   * Carry `token` in this header instead of `Authorization: Bearer …` (a foreign service's
   * convention). Browsers cannot set headers and refuse such a request.
   */
  tokenHeader?: { name: string; prefix: string };
}

/**
 * Opens sockets. Node (`ws`, token in `Authorization`), browser (global WebSocket, token in a
 * `bearer.<jwt>` subprotocol), in-memory and simulated links all implement this one interface.
 * `open` must not throw; failures are reported through `onClose` (code 1006).
 */
export interface Transport {
  open(request: OpenRequest, handlers: SocketHandlers): TransportSocket;
  /**
   * The protocol this transport speaks itself, when it is not a WebSocket carrying frames for
   * the client to read (`socketio`: it translates Socket.IO events into protocol v1 messages).
   */
  readonly speaks?: 'socketio';
}

/** Close code for a connection that failed without a close frame (RFC 6455 §7.1.5). */
export const ABNORMAL_CLOSURE = 1006;
