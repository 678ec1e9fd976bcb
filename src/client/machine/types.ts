import type { ClientMessage } from '../../protocol/index.js';
import type { AckState } from '../ack.js';
import type { BackoffOptions } from '../backoff.js';
import type { ClientEventMap, Quality, TransitionReason } from '../events.js';
import type { HeartbeatOptions, PendingPings } from '../heartbeat.js';
import type { Random } from '../random.js';
import type { ResumeOptions, SequenceState } from '../resume.js';
import type { CloseInfo } from '../transports/types.js';

/** Fixed settings of one client's machine. */
export interface MachineConfig {
  /** Full endpoint URLs, tried in rotation (failover). */
  urls: readonly string[];
  backoff: BackoffOptions;
  heartbeat: HeartbeatOptions;
  resume: ResumeOptions;
  /** An attempt (token + upgrade) that has not opened after this many ms is abandoned. */
  connectTimeoutMs: number;
  /** True when a token provider exists, so every attempt starts by requesting a token. */
  tokenProvider: boolean;
}

/** Named timers; setting one replaces the previous timer of the same name. */
export type TimerName = 'retry' | 'connect-timeout' | 'stable' | 'ping' | 'heartbeat-check' | 'ack';

/** The current phase, one named state with only the data that state needs. */
export type Phase =
  | { name: 'disconnected'; reason: TransitionReason }
  | { name: 'failed'; reason: TransitionReason }
  | { name: 'reconnecting'; attempt: number; delayMs: number }
  | { name: 'connecting'; attempt: number; step: 'token'; tokenRequest: number }
  /** Waiting for a superseded token request to settle: getToken never runs twice at once. */
  | { name: 'connecting'; attempt: number; step: 'token-wait' }
  | { name: 'connecting'; attempt: number; step: 'socket'; socketId: number; url: string }
  | { name: 'connected'; attempt: number; socketId: number; url: string; connectedAt: number };

/** Everything the machine knows. Immutable: `transition` returns a new one. */
export interface MachineState {
  readonly phase: Phase;
  /** Retry number of the current or last attempt; reset by a stable connection or reconnect(). */
  readonly attempt: number;
  /**
   * Clock time of the first failure since the last stable connection (or since the last close
   * by policy right after opening): the retry budget (`backoff.giveUpAfterMs`) runs from here.
   * Undefined while nothing has failed.
   */
  readonly failingSince: number | undefined;
  /** Delay before the previous retry (decorrelated jitter), ms. */
  readonly previousDelayMs: number;
  /** True after one token refresh for a 401/4401; a second refusal means `failed`. */
  readonly authRetried: boolean;
  /** Index of the next URL to try (mod urls.length). */
  readonly urlCursor: number;
  readonly nextSocketId: number;
  readonly nextTokenRequest: number;
  /** The one token request in flight, if any. */
  readonly tokenInFlight: number | undefined;
  /**
   * Tokens of requests numbered below this are stale: asked for before the app's last
   * `connect()` or `reconnect()`, which wants a fresh one.
   */
  readonly tokenFreshFrom: number;
  readonly online: boolean;
  readonly visible: boolean;
  readonly quality: Quality;
  readonly pending: PendingPings;
  readonly nextPingId: number;
  readonly sequence: SequenceState;
  /** Coalescing of acks on the current connection. */
  readonly ack: AckState;
  /** Clock time of the last frame received on the current connection. */
  readonly lastFrameAt: number;
}

/** Inputs to the machine. */
export type MachineEvent =
  | { type: 'connect' }
  | { type: 'disconnect'; reason: 'client' | 'disposed' }
  | { type: 'reconnect' }
  | { type: 'token'; requestId: number; token: string }
  | { type: 'token-error'; requestId: number; error: unknown }
  | { type: 'open'; socketId: number }
  | { type: 'close'; socketId: number; info: CloseInfo }
  | { type: 'message'; socketId: number; data: unknown }
  /** The link showed life without a frame (see `SocketHandlers.onActivity`). */
  | { type: 'activity'; socketId: number }
  | { type: 'timer'; timer: TimerName }
  /**
   * Heartbeat round trips the transport played without frames (see `TransportSocket.echoPing`):
   * pong i arrived at `arrivedAt[i]`, `rttMs[i]` after its ping left, in order, all by now.
   */
  | { type: 'echoed-pings'; arrivedAt: readonly number[]; rttMs: readonly number[] }
  | { type: 'online' }
  | { type: 'offline' }
  | { type: 'visible' }
  | { type: 'hidden' };

/** An event for the app, as an effect. */
export type EmitEffect = {
  [K in keyof ClientEventMap]: { type: 'emit'; event: K; payload: ClientEventMap[K] };
}[keyof ClientEventMap];

/** Work for the shell. The machine performs none of it. */
export type Effect =
  | { type: 'request-token'; requestId: number }
  | { type: 'open-socket'; socketId: number; url: string; token: string | undefined }
  | { type: 'send'; socketId: number; message: ClientMessage }
  | { type: 'close-socket'; socketId: number; code: number; reason: string }
  | { type: 'set-timer'; timer: TimerName; delayMs: number }
  | { type: 'clear-timer'; timer: TimerName }
  /**
   * Pongs of round trips the transport played (see `echoed-pings`), for the stats and the app's
   * `pong` and `pongs` events: ping `firstPingId + i`'s pong arrived at `at[i]` after `rttMs[i]`.
   */
  | { type: 'played-pongs'; firstPingId: number; at: readonly number[]; rttMs: readonly number[] }
  | EmitEffect;

/** What `transition` returns. */
export interface Transition {
  state: MachineState;
  effects: readonly Effect[];
}

/** Outside inputs of one transition: fixed config, the clock reading and the random source. */
export interface TransitionContext {
  config: MachineConfig;
  /** Clock time of the event, epoch ms. */
  now: number;
  random: Random;
}
