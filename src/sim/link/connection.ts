import type {
  CloseInfo,
  EchoedPing,
  SimulatedClock,
  SocketHandlers,
  TimerHandle,
  TransportSocket,
} from '../../client/index.js';
import type { Session, SessionTransport } from '../../server/index.js';
import type { SimToxic } from '../toxics/index.js';
import { closeFrame, dataFrame, responseFrame, upgradeFrame, type Frame } from './frame.js';
import { Pipe, type LinkEnvironment } from './pipe.js';

/** Close code for a connection that ended without a close frame (RFC 6455 §7.1.5). */
const ABNORMAL = 1006;
/** Client close code after which the Node transport drops the socket at once (half-open link). */
const HEARTBEAT_TIMEOUT = 4000;
/** How long `ws` waits for the peer's close frame before it destroys the socket, ms. */
const WS_CLOSE_TIMEOUT_MS = 30_000;

type ClientSide = 'connecting' | 'open' | 'closing' | 'closed';
type ServerSide = 'pending' | 'open' | 'closing' | 'closed';

/** What the server end of a link talks to: the simulated alert server. */
export interface UpgradeTarget {
  /** An upgrade request reached the server: answer with {@link SimConnection.refuse} or accept. */
  upgrade(connection: SimConnection, token: string): void;
}

/** What a connection needs from the network it belongs to. */
export interface ConnectionEnvironment extends LinkEnvironment {
  readonly server: UpgradeTarget;
  /** A frame reached the server that may start async work (resume): the driver must drain. */
  markAsync(): void;
  /** Both ends are closed: stop tracking the connection. */
  forget(connection: SimConnection): void;
  /** Echoed pings (quiet heartbeats in one step); undefined turns them off. */
  readonly echoes?: EchoSupport | undefined;
}

/** What echoed pings need from the network. */
export interface EchoSupport {
  readonly clock: SimulatedClock;
  /** Where the connections count their echoes. */
  readonly counts: EchoCounts;
}

/** What became of the heartbeat round trips taken in one step. */
export interface EchoCounts {
  taken: number;
  /** Completed in one step: the full path would have fired one more timer for each. */
  completed: number;
  /** Played out frame by frame because something touched the connection first. */
  playedOut: number;
  /** Of those, the ones whose ping had already reached the server: answered without its timer. */
  answeredEarly: number;
}

/** Timers the full path would have fired that echoes spared (counted in `simulation.events`). */
export function sparedTimers(counts: EchoCounts): number {
  return counts.completed + counts.answeredEarly;
}

/**
 * One client↔server connection through the simulated proxy: an upstream and a downstream
 * {@link Pipe}, the client's socket (a {@link TransportSocket} fed to the client shell) and the
 * server's {@link SessionTransport} (fed to the real session). It plays what `ws` and TCP do
 * at each end: the upgrade, close handshakes, FINs (1006) and resets.
 */
export class SimConnection {
  /** Index of the client in the fleet. */
  readonly clientIndex: number;
  /** The endpoint URL the client asked for. */
  readonly url: string;
  readonly #env: ConnectionEnvironment;
  readonly #handlers: SocketHandlers;
  readonly #up: Pipe;
  readonly #down: Pipe;
  #client: ClientSide = 'connecting';
  #server: ServerSide = 'pending';
  #session: Session | undefined;
  #onServerClosed: (() => void) | undefined;
  #clientCloseTimer: ReturnType<LinkEnvironment['clock']['setTimeout']> | undefined;
  #serverCloseTimer: ReturnType<LinkEnvironment['clock']['setTimeout']> | undefined;
  #forgotten = false;
  // The echoed ping in flight, if any: it left at t0, reached the server at ts, and its pong
  // arrives at t1, when the timer fires; the pipes' arrival times for both frames; the first of
  // the order places the full path takes at t0 (pipe timer, ping timer, check timer, the pong's).
  #echo: EchoedPing | undefined;
  #echoT0 = 0;
  #echoTs = 0;
  #echoT1 = 0;
  #echoUpArrival = 0;
  #echoDownArrival = 0;
  #echoOrder = 0;
  #echoTimer: TimerHandle | undefined;

  /** The client's end, for the client shell. */
  readonly clientSocket: TransportSocket;
  /** The server's end, for the session. */
  readonly serverTransport: SessionTransport;

  constructor(
    env: ConnectionEnvironment,
    clientIndex: number,
    url: string,
    token: string,
    handlers: SocketHandlers,
    toxics: Iterable<SimToxic>,
  ) {
    this.#env = env;
    this.clientIndex = clientIndex;
    this.url = url;
    this.#handlers = handlers;
    const reset = () => this.reset();
    this.#up = new Pipe(env, (frame) => this.#atServer(frame), reset);
    this.#down = new Pipe(env, (frame) => this.#atClient(frame), reset);
    for (const toxic of toxics) this.addToxic(toxic);
    // Whatever either end does settles an echo in flight first (spelled out per method: frames
    // pass here, and a generic wrapper would cost a rest array each).
    const flush = () => this.flush();
    this.clientSocket = {
      send: (data) => {
        this.flush();
        if (this.#client === 'open') this.#up.write(dataFrame(data, true));
      },
      close: (code, reason) => {
        this.flush();
        this.#clientClose(code, reason);
      },
      flush,
    };
    if (env.echoes !== undefined) this.clientSocket.echoPing = (ping) => this.#startEcho(ping);
    this.serverTransport = {
      send: (text) => {
        this.flush();
        if (this.#server === 'open') this.#down.write(dataFrame(text, false));
      },
      close: (code, reason) => {
        this.flush();
        this.#serverClose(code, reason);
      },
      terminate: () => {
        this.flush();
        this.#serverEnd();
      },
      flush,
    };
    this.#up.write(upgradeFrame(token));
  }

  /** True while the client side is open (upgrade done, no close started). */
  get isOpen(): boolean {
    return this.#client === 'open';
  }

  /** Applies a toxic of the proxy to this connection. */
  addToxic(toxic: SimToxic): void {
    this.flush();
    (toxic.direction === 'upstream' ? this.#up : this.#down).addToxic(toxic);
  }

  /** Removes a toxic from this connection. */
  removeToxic(toxic: SimToxic): void {
    this.flush();
    (toxic.direction === 'upstream' ? this.#up : this.#down).removeToxic(toxic.name);
  }

  /** Server side: refuses the upgrade with an HTTP status (and `Retry-After`, ms). */
  refuse(status: number, retryAfterMs = NaN): void {
    if (this.#server !== 'pending') return;
    this.#server = 'closed';
    this.#down.write(responseFrame(status, retryAfterMs));
    this.#down.end();
  }

  /** Server side: nothing listens behind the proxy; it closes the client's connection. */
  drop(): void {
    if (this.#server !== 'pending') return;
    this.#server = 'closed';
    this.#down.end();
  }

  /**
   * Server side: completes the upgrade (101) and binds the session that now runs on this
   * connection. `onClosed` runs once the server's socket is gone.
   */
  accept(open: (transport: SessionTransport) => Session, onClosed: () => void): void {
    if (this.#server !== 'pending') return;
    this.#server = 'open';
    this.#onServerClosed = onClosed;
    this.#down.write(responseFrame(101));
    this.#session = open(this.serverTransport);
  }

  /**
   * A TCP reset (reset_peer, the proxy disabled, a sim drop): both sockets are destroyed; each
   * end learns it one link latency later.
   */
  reset(): void {
    if (this.#client === 'closed' && this.#server === 'closed') return;
    this.flush();
    this.#up.close();
    this.#down.close();
    const clock = this.#env.clock;
    const now = clock.now();
    clock.setTimeout(() => {
      this.#clientGone({ code: ABNORMAL, reason: 'connection reset', wasClean: false });
      this.#serverGone(ABNORMAL);
    }, this.#env.oneWayMs(now));
  }

  /**
   * Plays out an echoed ping still in flight, as the full path would have had it by now: the
   * client sends the ping at t0 (its timers take the order places they would have taken) and,
   * when it reached the server before the event now being handled, the server answers at ts.
   * Called before anything else acts on either end.
   */
  flush(): void {
    const echo = this.#echo;
    const echoes = this.#env.echoes;
    if (echo === undefined || echoes === undefined) return;
    this.#echo = undefined;
    const clock = echoes.clock;
    if (this.#echoTimer !== undefined) clock.clearTimeout(this.#echoTimer);
    this.#echoTimer = undefined;
    echoes.counts.playedOut += 1;
    clock.travel(this.#echoT0, this.#echoOrder, echo.replay);
    if (clock.precedesCurrent(this.#echoTs, this.#echoOrder)) {
      echoes.counts.answeredEarly += 1;
      clock.travel(this.#echoTs, this.#echoOrder + 3, this.#up.fireNow);
    }
  }

  /** True while an echoed ping is in flight. */
  get echoing(): boolean {
    return this.#echo !== undefined;
  }

  // A quiet heartbeat round trip, taken whole: both ends open, nothing in flight, no toxic, and a
  // session that would only answer. Frame times are computed exactly as the pipes would.
  #startEcho(ping: EchoedPing): boolean {
    const echoes = this.#env.echoes;
    const session = this.#session;
    if (
      echoes === undefined ||
      session === undefined ||
      this.#echo !== undefined ||
      this.#client !== 'open' ||
      this.#server !== 'open' ||
      !this.#up.idle ||
      !this.#down.idle
    ) {
      return false;
    }
    const clock = echoes.clock;
    const t0 = clock.now();
    const upArrival = this.#up.arrivalFor(t0);
    const ts = clock.dueAfter(upArrival - t0);
    const downArrival = this.#down.arrivalFor(ts);
    const t1 = clock.dueAfter(downArrival - ts, ts);
    // A pong within a millisecond of the timeout is left to the full path and its checks.
    if (!(t1 - t0 < ping.maxRttMs - 1) || !session.canEchoPing(ts, t1)) return false;
    const order = clock.reserveOrder(4);
    clock.travel(t0, order + 1, ping.rearm);
    this.#echo = ping;
    this.#echoT0 = t0;
    this.#echoTs = ts;
    this.#echoUpArrival = upArrival;
    this.#echoDownArrival = downArrival;
    this.#echoOrder = order;
    this.#echoT1 = t1;
    this.#echoTimer = clock.travel(t0, order + 3, this.#armEcho);
    echoes.counts.taken += 1;
    return true;
  }

  readonly #armEcho = (): TimerHandle | undefined =>
    this.#env.echoes?.clock.setTimeoutAt(this.#echoT1, this.#completeEcho);

  readonly #completeEcho = (): void => {
    const echo = this.#echo;
    if (echo === undefined) return;
    this.#echo = undefined;
    this.#echoTimer = undefined;
    this.#up.passed(this.#echoUpArrival);
    this.#down.passed(this.#echoDownArrival);
    this.#session?.echoPing(this.#echoTs);
    if (this.#env.echoes !== undefined) this.#env.echoes.counts.completed += 1;
    echo.complete();
  };

  #clientClose(code: number, reason: string): void {
    switch (this.#client) {
      case 'connecting': {
        // ws aborts a pending upgrade: the TCP connection is closed, 'close' follows (1006).
        this.#client = 'closing';
        this.#up.end();
        this.#env.clock.setTimeout(
          () => this.#clientGone({ code: ABNORMAL, reason: '', wasClean: false }),
          0,
        );
        return;
      }
      case 'open':
        this.#client = 'closing';
        this.#up.write(closeFrame(code, reason, true));
        if (code === HEARTBEAT_TIMEOUT) {
          // The Node transport terminates a dead link at once instead of awaiting the answer.
          this.#up.end();
          this.#env.clock.setTimeout(
            () => this.#clientGone({ code: ABNORMAL, reason: '', wasClean: false }),
            0,
          );
          return;
        }
        this.#clientCloseTimer = this.#env.clock.setTimeout(() => {
          this.#clientCloseTimer = undefined;
          this.#up.end();
          this.#clientGone({ code: ABNORMAL, reason: '', wasClean: false });
        }, WS_CLOSE_TIMEOUT_MS);
        return;
      default:
        return;
    }
  }

  #serverClose(code: number, reason: string): void {
    if (this.#server !== 'open') return;
    this.#server = 'closing';
    this.#down.write(closeFrame(code, reason, false));
    this.#serverCloseTimer = this.#env.clock.setTimeout(() => {
      this.#serverCloseTimer = undefined;
      this.#serverEnd();
    }, WS_CLOSE_TIMEOUT_MS);
  }

  // The server's socket is destroyed (terminate, or after its close handshake): FIN downstream.
  #serverEnd(): void {
    if (this.#server === 'closed') return;
    this.#down.end();
    this.#serverGone(ABNORMAL);
  }

  #atServer(frame: Frame): void {
    switch (frame.kind) {
      case 'upgrade':
        this.#env.server.upgrade(this, frame.text);
        return;
      case 'data':
        if (this.#server !== 'open' || this.#session === undefined) return;
        // A frame that started async work (a resume awaits the broker): drain before the next timer.
        if (this.#session.receive(frame.text, frame.text.length) !== undefined) {
          this.#env.markAsync();
        }
        return;
      case 'close':
        if (this.#server === 'open') {
          // The client closed: echo its close frame, then close the TCP connection.
          this.#down.write(closeFrame(frame.code, frame.text, false));
          this.#down.end();
          this.#serverGone(frame.code);
        } else if (this.#server === 'closing') {
          // The answer to our close frame.
          this.#down.end();
          this.#serverGone(frame.code);
        }
        return;
      case 'end':
        if (this.#server === 'pending') {
          this.#server = 'closed';
          this.#maybeForget();
          return;
        }
        if (this.#server !== 'closed') this.#down.end();
        this.#serverGone(ABNORMAL);
        return;
      case 'response':
        return;
    }
  }

  #atClient(frame: Frame): void {
    switch (frame.kind) {
      case 'response':
        if (this.#client !== 'connecting') return;
        if (frame.code === 101) {
          this.#client = 'open';
          this.#handlers.onOpen();
          return;
        }
        // A refused upgrade: the Node transport reports the status and Retry-After, then 1006.
        this.#up.end();
        this.#clientGone({
          code: ABNORMAL,
          reason: '',
          wasClean: false,
          httpStatus: frame.code,
          ...(Number.isNaN(frame.retryAfterMs) ? {} : { retryAfterMs: frame.retryAfterMs }),
        });
        return;
      case 'data':
        if (this.#client === 'open') this.#handlers.onMessage(frame.text);
        return;
      case 'close':
        if (this.#client === 'open') {
          // The server closed: answer with our own close frame.
          this.#up.write(closeFrame(frame.code, frame.text, true));
          this.#up.end();
          this.#clientGone({ code: frame.code, reason: frame.text, wasClean: true });
        } else if (this.#client === 'closing') {
          this.#up.end();
          this.#clientGone({ code: frame.code, reason: frame.text, wasClean: true });
        }
        return;
      case 'end':
        if (this.#client !== 'closed') this.#up.end();
        this.#clientGone({ code: ABNORMAL, reason: '', wasClean: false });
        return;
      case 'upgrade':
        return;
    }
  }

  #clientGone(info: CloseInfo): void {
    if (this.#client === 'closed') return;
    this.#client = 'closed';
    if (this.#clientCloseTimer !== undefined) this.#env.clock.clearTimeout(this.#clientCloseTimer);
    this.#clientCloseTimer = undefined;
    this.#handlers.onClose(info);
    this.#maybeForget();
  }

  #serverGone(code: number): void {
    if (this.#server === 'closed') return;
    const wasPending = this.#server === 'pending';
    this.#server = 'closed';
    if (this.#serverCloseTimer !== undefined) this.#env.clock.clearTimeout(this.#serverCloseTimer);
    this.#serverCloseTimer = undefined;
    if (!wasPending) {
      this.#session?.handleTransportClosed(code);
      this.#onServerClosed?.();
    }
    this.#maybeForget();
  }

  #maybeForget(): void {
    if (this.#forgotten || this.#client !== 'closed' || this.#server !== 'closed') return;
    this.#forgotten = true;
    this.#up.close();
    this.#down.close();
    this.#env.forget(this);
  }
}
