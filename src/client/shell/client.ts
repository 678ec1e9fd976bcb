import { encodeMessage, type TimerHandle } from '../../protocol/index.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { isOnTime } from '../heartbeat.js';
import type { ClientEventName, ClientStateName, Quality } from '../events.js';
import { createInitialState, transition } from '../machine/machine.js';
import { canEchoPing } from '../machine/session.js';
import type { Effect, MachineEvent, MachineState, TimerName } from '../machine/types.js';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from '../options.js';
import { Recorder } from '../recorder.js';
import type { StreamPosition } from '../resume.js';
import type { ClientStats } from '../stats.js';
import type { TimelineEntry } from '../timeline.js';
import {
  type TransportKind,
  ABNORMAL_CLOSURE,
  type EchoedPing,
  type SocketHandlers,
  type TransportSocket,
} from '../transports/types.js';
import { Emitter, type Listener } from './emitter.js';

/** Default window of {@link Client.stats}: 24 hours. */
export const DEFAULT_STATS_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A reconnecting alert client. Create one with {@link createClient}. */
export interface Client {
  /** Current connection state. */
  readonly state: ClientStateName;
  /** Link quality while connected; undefined in every other state. */
  readonly quality: Quality | undefined;
  /** Retry number of the current or last attempt (0 after a stable connection). */
  readonly attempt: number;
  /**
   * How the open connection's frames travel (`polling` after a fallback), undefined while not
   * connected.
   */
  readonly transport: TransportKind | undefined;
  /** Epoch and highest seq delivered; persist it and pass it as `resume.from` to pick up later. */
  readonly position: StreamPosition;
  /** True after {@link Client.dispose}. */
  readonly disposed: boolean;
  /** Starts connecting (no-op unless `disconnected` or `failed`). A fresh retry budget. */
  connect(): void;
  /** Closes the connection (1000) and stops every timer; never reconnects by itself. */
  disconnect(): void;
  /** Drops the current socket, if any, and attempts now with a fresh retry budget. */
  reconnect(): void;
  /** Health over the last `windowMs` (default 24 h), computed from the timeline. */
  stats(windowMs?: number): ClientStats;
  /** The bounded timeline, oldest first (a copy). */
  timeline(): TimelineEntry[];
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends ClientEventName>(event: K, listener: Listener<K>): () => void;
  /** Disconnects, cancels every timer, drops listeners and host subscriptions. Idempotent. */
  dispose(): void;
}

/**
 * Creates a reconnecting client for one user's breach alerts. It does nothing until
 * `connect()`. Throws ClientError CLIENT_INVALID_OPTIONS for bad options.
 *
 * @example
 * const client = createClient({ url: 'ws://127.0.0.1:8080', userId: 'alice', getToken, transport });
 * client.on('alert', (alert) => console.log(alert.seq, alert.title));
 * client.connect();
 */
export function createClient(options: ClientOptions): Client {
  return new ReconnectingClient(resolveOptions(options));
}

// The thin shell: feeds events to the pure machine one at a time and runs its effects on the
// transport, the clock and the listeners.
class ReconnectingClient implements Client {
  readonly #options: ResolvedOptions;
  readonly #emitter = new Emitter();
  readonly #recorder: Recorder;
  readonly #sockets = new Map<number, TransportSocket>();
  readonly #timers = new Map<TimerName, TimerHandle>();
  readonly #queue: MachineEvent[] = [];
  readonly #unsubscribeEnvironment: (() => void) | undefined;
  #state: MachineState;
  /** Transport of the last connection that opened (kept after it ends, to report changes). */
  #transport: TransportKind | undefined;
  #running = false;
  #disposed = false;
  /** The socket playing the heartbeat (see TransportSocket.echoPing). */
  #echoing: TransportSocket | undefined;
  // One offer, reused for every heartbeat this client hands over.
  readonly #echoedPing: EchoedPing;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#state = createInitialState(options.machine);
    this.#recorder = new Recorder(options.timeline);
    const { heartbeat } = options.machine;
    this.#echoedPing = {
      maxRttMs: heartbeat.pongTimeoutMs,
      intervalMs: heartbeat.intervalMs,
      rearm: () => this.#setTimer('ping', heartbeat.intervalMs),
      replay: () => {
        this.#echoing = undefined;
        this.#dispatch({ type: 'timer', timer: 'ping' });
      },
      release: () => {
        this.#echoing = undefined;
      },
      pongs: (arrivedAt, rttMs) => this.#process({ type: 'echoed-pings', arrivedAt, rttMs }),
    };
    this.#unsubscribeEnvironment = options.environment?.subscribe((signal) =>
      this.#dispatch({ type: signal }),
    );
  }

  get state(): ClientStateName {
    return this.#state.phase.name;
  }

  get quality(): Quality | undefined {
    return this.#state.phase.name === 'connected' ? this.#state.quality : undefined;
  }

  get attempt(): number {
    return this.#state.attempt;
  }

  get transport(): TransportKind | undefined {
    return this.#state.phase.name === 'connected' ? this.#transport : undefined;
  }

  get position(): StreamPosition {
    return { epoch: this.#state.sequence.epoch, lastSeq: this.#state.sequence.lastSeq };
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  connect(): void {
    this.#assertLive('connect');
    this.#dispatch({ type: 'connect' });
  }

  disconnect(): void {
    this.#dispatch({ type: 'disconnect', reason: 'client' });
  }

  reconnect(): void {
    this.#assertLive('reconnect');
    this.#dispatch({ type: 'reconnect' });
  }

  stats(windowMs: number = DEFAULT_STATS_WINDOW_MS): ClientStats {
    return this.#recorder.stats(windowMs, this.#options.clock.now());
  }

  timeline(): TimelineEntry[] {
    return this.#recorder.timeline();
  }

  on<K extends ClientEventName>(event: K, listener: Listener<K>): () => void {
    if (this.#disposed) return () => {};
    return this.#emitter.on(event, listener);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#dispatch({ type: 'disconnect', reason: 'disposed' });
    this.#disposed = true;
    this.#unsubscribeEnvironment?.();
    for (const handle of this.#timers.values()) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
    for (const socket of this.#sockets.values()) socket.close(1000, 'disposed');
    this.#sockets.clear();
    this.#emitter.clear();
  }

  #assertLive(method: string): void {
    if (this.#disposed) {
      throw new ClientError(ClientErrorCode.DISPOSED, `${method}(): the client was disposed`);
    }
  }

  // Run to completion: an event raised while effects run (a synchronous transport, a listener
  // calling disconnect()) waits until the current transition's effects are done.
  #dispatch(event: MachineEvent): void {
    if (this.#disposed) return;
    // A heartbeat the socket plays is settled first: the event sees the state it would have seen.
    this.#echoing?.flush?.();
    this.#process(event);
  }

  #process(event: MachineEvent): void {
    if (this.#disposed) return;
    this.#queue.push(event);
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        const { clock, random, machine } = this.#options;
        const result = transition(this.#state, next, { config: machine, now: clock.now(), random });
        this.#state = result.state;
        for (const effect of result.effects) this.#run(effect);
      }
    } finally {
      this.#running = false;
    }
  }

  #run(effect: Effect): void {
    switch (effect.type) {
      case 'request-token':
        this.#requestToken(effect.requestId);
        return;
      case 'open-socket':
        this.#openSocket(effect.socketId, effect.url, effect.token);
        return;
      case 'send':
        this.#sockets.get(effect.socketId)?.send(encodeMessage(effect.message));
        return;
      case 'close-socket': {
        const socket = this.#sockets.get(effect.socketId);
        this.#sockets.delete(effect.socketId);
        socket?.close(effect.code, effect.reason);
        return;
      }
      case 'set-timer':
        this.#setTimer(effect.timer, effect.delayMs);
        return;
      case 'clear-timer': {
        const handle = this.#timers.get(effect.timer);
        if (handle !== undefined) this.#options.clock.clearTimeout(handle);
        this.#timers.delete(effect.timer);
        return;
      }
      case 'emit':
        if (effect.event === 'state' && effect.payload.to === 'connected') {
          const phase = this.#state.phase;
          const socketId = phase.name === 'connected' ? phase.socketId : -1;
          const from = this.#transport;
          this.#transport = this.#sockets.get(socketId)?.kind ?? 'websocket';
          this.#recorder.onState(effect.payload);
          this.#emitter.emit('state', effect.payload);
          if (from !== this.#transport) this.#emitTransport(from);
          return;
        }
        if (effect.event === 'state') this.#recorder.onState(effect.payload);
        else if (effect.event === 'quality') this.#recorder.onQuality(effect.payload);
        else if (effect.event === 'pong') {
          const pong = effect.payload;
          this.#recorder.onPong(pong);
          this.#emitter.emit('pong', pong);
          if (this.#emitter.listens('pongs')) {
            this.#emitter.emit('pongs', {
              at: [pong.at],
              rttMs: [pong.rttMs],
              throttled: pong.throttled,
            });
          }
          return;
        }
        this.#emitter.emit(effect.event, effect.payload);
        return;
      case 'played-pongs':
        this.#playedPongs(effect.firstPingId, effect.at, effect.rttMs);
        return;
    }
  }

  // Round trips the transport played without frames: the stats take them in bulk; a `pong`
  // event each and one `pongs` batch, each built only for listeners.
  #playedPongs(firstPingId: number, at: readonly number[], rttMs: readonly number[]): void {
    this.#recorder.onPongs(at, rttMs);
    const emitter = this.#emitter;
    if (emitter.listens('pong')) {
      const { heartbeat } = this.#options.machine;
      for (let i = 0; i < at.length; i++) {
        const rtt = rttMs[i]!;
        emitter.emit('pong', {
          id: `p${firstPingId + i}`,
          rttMs: rtt,
          onTime: isOnTime(rtt, heartbeat),
          throttled: false,
          at: at[i]!,
        });
      }
    }
    if (emitter.listens('pongs')) emitter.emit('pongs', { at, rttMs, throttled: false });
  }

  #requestToken(requestId: number): void {
    const getToken = this.#options.getToken;
    if (getToken === undefined) return;
    const settle = (token: unknown): void => {
      if (typeof token === 'string') this.#dispatch({ type: 'token', requestId, token });
      else {
        const error = new TypeError(`getToken: expected a string, got ${typeof token}`);
        this.#dispatch({ type: 'token-error', requestId, error });
      }
    };
    const fail = (error: unknown): void =>
      this.#dispatch({ type: 'token-error', requestId, error });
    try {
      // Always settle asynchronously, so a synchronous provider behaves like an async one.
      Promise.resolve(getToken()).then(settle, fail);
    } catch (error) {
      Promise.resolve().then(() => fail(error), fail);
    }
  }

  #openSocket(socketId: number, url: string, token: string | undefined): void {
    let closed = false;
    const onClose: SocketHandlers['onClose'] = (info) => {
      closed = true;
      this.#sockets.delete(socketId);
      this.#dispatch({ type: 'close', socketId, info });
    };
    try {
      const socket = this.#options.transport.open(
        { url, token },
        {
          onOpen: () => this.#dispatch({ type: 'open', socketId }),
          onMessage: (data) => this.#dispatch({ type: 'message', socketId, data }),
          onClose,
          onTransport: (kind) => this.#noteTransport(socketId, kind),
          onError: (error) => this.#emitter.emit('error', error),
          onActivity: () => this.#dispatch({ type: 'activity', socketId }),
        },
      );
      if (!closed) this.#sockets.set(socketId, socket);
    } catch (cause) {
      this.#emitter.emit(
        'error',
        new ClientError(ClientErrorCode.TRANSPORT_FAILED, `transport could not open ${url}`, {
          cause,
        }),
      );
      if (!closed) onClose({ code: ABNORMAL_CLOSURE, reason: 'transport failed', wasClean: false });
    }
  }

  // The live socket travels by `kind` now (a fallback socket moved): remembered and announced.
  #noteTransport(socketId: number, kind: TransportKind): void {
    const phase = this.#state.phase;
    if (phase.name !== 'connected' || phase.socketId !== socketId) return;
    const from = this.#transport;
    this.#transport = kind;
    if (from !== kind) this.#emitTransport(from);
  }

  #emitTransport(from: TransportKind | undefined): void {
    const to = this.#transport;
    if (to !== undefined)
      this.#emitter.emit('transport', { from, to, at: this.#options.clock.now() });
  }

  // Offers the ping that is due to a transport that can play the heartbeat without frames.
  #echoPing(): boolean {
    const state = this.#state;
    const { machine } = this.#options;
    if (this.#running || this.#echoing !== undefined || state.phase.name !== 'connected') {
      return false;
    }
    const socket = this.#sockets.get(state.phase.socketId);
    if (socket?.echoPing === undefined || !canEchoPing(state, machine)) return false;
    const taken = socket.echoPing(this.#echoedPing);
    if (taken) this.#echoing = socket;
    return taken;
  }

  #setTimer(timer: TimerName, delayMs: number): void {
    const { clock } = this.#options;
    const previous = this.#timers.get(timer);
    if (previous !== undefined) clock.clearTimeout(previous);
    const handle = clock.setTimeout(() => {
      // A replaced or cleared timer that fires anyway (a race on a real clock) is ignored.
      if (this.#timers.get(timer) !== handle) return;
      this.#timers.delete(timer);
      if (timer === 'ping' && this.#echoPing()) return;
      this.#dispatch({ type: 'timer', timer });
    }, delayMs);
    this.#timers.set(timer, handle);
  }
}
