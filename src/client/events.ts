import type { TransportKind } from './transports/types.js';
import type { BreachAlertMessage } from '../protocol/index.js';
import type { ClientError } from './errors.js';
import type { StreamGap } from './resume.js';

/** The client's connection states. */
export const CLIENT_STATES = [
  'connecting',
  'connected',
  'reconnecting',
  'disconnected',
  'failed',
] as const;
/**
 * One of {@link CLIENT_STATES}: `connecting` (an attempt is fetching a token or opening a
 * socket), `connected`, `reconnecting` (waiting `delayMs` before retry `attempt`),
 * `disconnected` (before `connect()`, after `disconnect()`, a 403/4403, or offline) and
 * `failed` (the retry budget spent or the token refused twice; only `connect()`/`reconnect()`
 * leave it).
 */
export type ClientStateName = (typeof CLIENT_STATES)[number];

/** Link quality while connected: `poor` once a ping goes unanswered for pongTimeoutMs. */
export type Quality = 'good' | 'poor';

/** Why a state change happened. */
export type TransitionReason =
  /** The state before `connect()`. */
  | 'initial'
  /** `connect()` was called. */
  | 'connect'
  /** `reconnect()` was called (retry counter reset). */
  | 'reconnect'
  /** A backoff delay elapsed. */
  | 'retry'
  /** The socket opened. */
  | 'open'
  /** The socket closed or the upgrade was refused; see `closeCode`/`httpStatus`. */
  | 'close'
  /** The heartbeat found the link dead (half-open); the client closed it with 4000. */
  | 'heartbeat-timeout'
  /** The attempt did not open within connectTimeoutMs. */
  | 'connect-timeout'
  /** The token was refused (401/4401): refreshed once, or given up on the second refusal. */
  | 'auth'
  /** 403/4403: never retried. */
  | 'forbidden'
  /** 1013/429: the delay honours the server's retry-after. */
  | 'rate-limited'
  /** The retry budget (`backoff.giveUpAfterMs`, by default the span of maxAttempts) ran out. */
  | 'max-attempts'
  /** `getToken` threw or rejected. */
  | 'token-error'
  /** The host went offline (browser `offline` event); no retry is burnt. */
  | 'offline'
  /** The host came back online: attempt now. */
  | 'online'
  /** `disconnect()` was called. */
  | 'client'
  /** `dispose()` was called. */
  | 'disposed';

/** Payload of the `state` event. */
export interface StateChange {
  from: ClientStateName;
  to: ClientStateName;
  reason: TransitionReason;
  /** Retry number: 0 for the first attempt after `connect()` or a stable connection. */
  attempt: number;
  /** Clock time of the change, epoch ms. */
  at: number;
  /** Close code that caused the change, if a socket closed. */
  closeCode?: number;
  /** HTTP status of a refused upgrade, when the transport saw one. */
  httpStatus?: number;
  /** For `reconnecting`: the wait before the retry, ms. */
  delayMs?: number;
  /** For `connecting`/`connected`: the endpoint URL of this attempt. */
  url?: string;
  /** For a heartbeat timeout: ms from the last frame received to the declaration of death. */
  detectionMs?: number;
}

/** Payload of the `pong` event. */
export interface PongEvent {
  /** Id of the ping answered. */
  id: string;
  /** Round-trip time, ms. */
  rttMs: number;
  /** True when rttMs ≤ pongTimeoutMs. */
  onTime: boolean;
  /** True when measured while the page was hidden (timers throttled); excluded from stats. */
  throttled: boolean;
  at: number;
}

/**
 * Payload of the `pongs` event: pongs as columns, the one that arrived at `at[i]` taking
 * `rttMs[i]`. Every pong is reported once as a `pong` event and once within a `pongs` batch: a
 * pong read off the wire is a batch of one; a stretch of heartbeat a simulated link played
 * without frames is one batch. A listener that only needs the figures takes batches and is
 * spared an object per pong (and the client builds `pong` events only when someone listens).
 */
export interface PongBatch {
  readonly at: readonly number[];
  readonly rttMs: readonly number[];
  /** True when measured while the page was hidden (timers throttled); excluded from stats. */
  readonly throttled: boolean;
}

/** Payload of the `quality` event. */
export interface QualityChange {
  from: Quality;
  to: Quality;
  at: number;
}

/** Payload of the `gap` event: alerts or history lost, with the clock time it was noticed. */
export type GapEvent = StreamGap & { at: number };

/** Every event the client emits, by name. */
/** The open connection's frames now travel another way (see the `fallback` option). */
export interface TransportChange {
  /** Undefined on the first connection. */
  from: TransportKind | undefined;
  to: TransportKind;
  /** Clock time, epoch ms. */
  at: number;
}

export interface ClientEventMap {
  /** Every state change. */
  state: StateChange;
  /** One alert, delivered exactly once (duplicates by seq are dropped). */
  alert: BreachAlertMessage;
  /** A pong matched to its ping. */
  pong: PongEvent;
  /** The same pongs in batches (see {@link PongBatch}). */
  pongs: PongBatch;
  /** Link quality changed while connected. */
  quality: QualityChange;
  /** Alerts were missed or the server's history was reset. */
  gap: GapEvent;
  /** Something went wrong; the client keeps running unless a `state` event says otherwise. */
  error: ClientError;
  /** A connection opened on another transport than the last one, or moved while open. */
  transport: TransportChange;
}

/** Name of a client event. */
export type ClientEventName = keyof ClientEventMap;
