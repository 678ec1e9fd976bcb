import type { BreachAlertMessage, Clock, HeartbeatAdvice } from '../../protocol/index.js';
import type { ServerMetrics } from '../../metrics/index.js';
import type { Broker } from '../broker/broker.js';
import type { AlertFrames } from './alert-frame.js';

/** What a session needs from the socket under it: ws in production, a link in simulation. */
export interface SessionTransport {
  /** Sends one text frame. Must not throw when the socket is already closing. */
  send(text: string): void;
  /**
   * Optional: sends an alert's `breach_alert` frame, for a transport that writes it without
   * the text (the socket link); without it the session sends the text `env.frames` encodes.
   */
  sendAlert?(alert: BreachAlertMessage): void;
  /** Starts a closing handshake with `code` and `reason`. */
  close(code: number, reason: string): void;
  /** Drops the connection without a close frame (a crash or a hard restart). */
  terminate(): void;
  /**
   * Optional back-pressure: undefined when little enough is buffered to send more now, else a
   * promise that settles once the buffer drained (or the socket closed). A replay waits on it
   * between batches so a backlog of the whole history never piles up in memory at once.
   */
  drained?(): Promise<void> | undefined;
  /**
   * Optional (the simulator's links): hands back a heartbeat the link plays without frames,
   * up to date before the session acts on its own (see {@link Session.echoPing}).
   */
  flush?(): void;
  /**
   * Optional (the simulator's links): applies the heartbeats the link plays that reached the
   * session by now, before the session reads its own state without acting on the link.
   */
  settle?(): void;
  /**
   * Optional (the simulator's links): offered the watchdog's sleep of `wakeIn` ms at the end of
   * a wake; returns true when it plays the wakes that follow itself (none would close the
   * socket while the link plays the heartbeat) and hands the watchdog back with
   * {@link Session.resumeWatchdog} before anything else happens on the link.
   */
  sleep?(wakeIn: number): boolean;
}

/** Limits applied to every connection. */
export interface ConnectionLimits {
  /** Largest accepted frame in bytes; larger frames close the socket with 1009. Default 16 KiB. */
  maxFrameBytes: number;
  /** Sustained frames per second before the socket is closed with 1008. Default 20. */
  messagesPerSecond: number;
  /** Connection attempts per user per minute before upgrades get 429. Default 10. */
  connectsPerMinute: number;
  /**
   * Open sockets this instance takes; beyond, upgrades get 503 with a `Retry-After` spread over
   * 1–`fullRetryAfterS` s, so a dead instance's herd is paced rather than taken all at once.
   * Default Infinity.
   */
  maxConnections: number;
  /** Longest `Retry-After` a full instance asks for, s (each refusal draws 1..this). Default 5. */
  fullRetryAfterS: number;
  /** The window of that limit, ms (shortened when a scenario compresses time). Default 60 000. */
  connectWindowMs: number;
  /** How long a new socket waits for `resume` before live delivery starts, in ms. Default 1000. */
  resumeWaitMs: number;
  /** Silence after which the server drops a connection (close 4000), in ms. Default 70 000. */
  idleTimeoutMs: number;
}

/** Defaults from the original spec and DESIGN.md. */
export const DEFAULT_LIMITS: ConnectionLimits = {
  maxFrameBytes: 16 * 1024,
  messagesPerSecond: 20,
  connectsPerMinute: 10,
  maxConnections: Number.POSITIVE_INFINITY,
  fullRetryAfterS: 5,
  connectWindowMs: 60_000,
  resumeWaitMs: 1000,
  idleTimeoutMs: 70_000,
};

/** Heartbeat advertised to clients in `hello`: ping every 30 s, pong expected within 10 s. */
export const DEFAULT_HEARTBEAT: HeartbeatAdvice = { intervalMs: 30_000, timeoutMs: 10_000 };

/** Minimal structured logger (pino-compatible). */
export interface SessionLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Everything a session shares with its siblings. */
export interface SessionEnvironment {
  clock: Clock;
  broker: Broker;
  metrics: ServerMetrics | undefined;
  limits: ConnectionLimits;
  heartbeat: HeartbeatAdvice;
  createId: () => string;
  logger: SessionLogger | undefined;
  /** Encodes alert frames; one for every session of a server (see {@link AlertFrames}). */
  frames: AlertFrames;
}

/** Receives alerts for one user's sockets. */
export interface AlertSink {
  readonly userId: string;
  deliver(alert: BreachAlertMessage, epoch?: string): void;
}
