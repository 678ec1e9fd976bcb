/** Protocol version spoken by this module; also the WebSocket subprotocol `stormwatch.v1`. */
export const PROTOCOL_VERSION = 1;
/** Subprotocol the server selects. */
export const SUBPROTOCOL = 'stormwatch.v1';
/** Prefix of the subprotocol that carries a bearer token from browsers: `bearer.<jwt>`. */
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

/** Alert severities, lowest first. */
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
/** One alert severity. */
export type Severity = (typeof SEVERITIES)[number];

/** Heartbeat timings the server advertises in `hello`, in milliseconds. */
export interface HeartbeatAdvice {
  intervalMs: number;
  timeoutMs: number;
}

/** s→c on open. */
export interface HelloMessage {
  type: 'hello';
  connectionId: string;
  /** Changes only when the durable per-user history is lost. */
  epoch: string;
  /** Server clock, epoch milliseconds. */
  serverTime: number;
  heartbeat: HeartbeatAdvice;
}

/** c→s application-level ping. */
export interface PingMessage {
  type: 'ping';
  id: string;
}

/** s→c answer to a ping. */
export interface PongMessage {
  type: 'pong';
  id: string;
  /** ISO-8601 server time. */
  timestamp: string;
  /** Server clock, epoch milliseconds. */
  serverTime: number;
}

/** c→s ask for every alert after `lastSeq` in `epoch`. */
export interface ResumeMessage {
  type: 'resume';
  lastSeq: number;
  epoch: string;
}

/** s→c end of a resume replay. */
export interface ResumedMessage {
  type: 'resumed';
  /** Alerts sent in the replay. */
  replayed: number;
  /** True when history no longer held lastSeq + 1 (or the epoch changed). */
  gap: boolean;
  /** Alerts the client will never receive (0 without a gap). */
  missed: number;
}

/** The alert payload a publisher posts. */
export interface AlertInput {
  userId: string;
  severity: Severity;
  title: string;
  source: string;
  /** ISO-8601 time the breach was detected. */
  detectedAt: string;
}

/** s→c one alert; `seq` is per user, strictly increasing and gap-free. */
export interface BreachAlertMessage extends AlertInput {
  type: 'breach_alert';
  seq: number;
  id: string;
  /** ISO-8601 time the server accepted the alert. */
  publishedAt: string;
  /**
   * The alert object as a foreign service sent it, when a client profile translated that
   * service's frame into this message (stormwatch's own server never sets it).
   */
  payload?: Record<string, unknown>;
}

/**
 * c→s cumulative acknowledgement: every alert up to and including `seq` reached the app.
 * Clients coalesce them (one ack covers many alerts); the server's flood guard does not count
 * an ack that moves the acknowledged point forward over alerts it sent.
 */
export interface AckMessage {
  type: 'ack';
  seq: number;
}

/** s→c a frame was rejected; the connection stays up. */
export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
}

/** Every message a client may send. */
export type ClientMessage = PingMessage | ResumeMessage | AckMessage;
/** Every message a server may send. */
export type ServerMessage =
  HelloMessage | PongMessage | ResumedMessage | BreachAlertMessage | ErrorMessage;

/** Serializes a message as a JSON text frame. */
export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}
