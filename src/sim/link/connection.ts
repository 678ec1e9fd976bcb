import {
  VIRTUAL_ORDER_STEP,
  type CloseInfo,
  type EchoedPing,
  type Random,
  type SimulatedClock,
  type SocketHandlers,
  type TimerHandle,
  type TransportSocket,
} from '../../client/index.js';
import type { Session, SessionTransport } from '../../server/index.js';
import type { SimToxic } from '../toxics/index.js';
import { closeFrame, dataFrame, responseFrame, upgradeFrame, type Frame } from './frame.js';
import { PingPlan } from './ping-plan.js';
import { RoundTrips } from './round-trips.js';
import { Pipe, type LinkEnvironment, type PipeReceiver } from './pipe.js';

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
  /** The server's socket of a connection it accepted is gone. */
  closed(connection: SimConnection): void;
}

/** What a connection needs from the network it belongs to. */
export interface ConnectionEnvironment extends Omit<LinkEnvironment, 'random'> {
  readonly server: UpgradeTarget;
  /** A frame reached the server that may start async work (resume): the driver must drain. */
  markAsync(): void;
  /** Both ends are closed: stop tracking the connection. */
  forget(connection: SimConnection): void;
  /** Heartbeats played without frames; undefined turns them off. */
  readonly echoes?: EchoSupport | undefined;
}

/** What echoed pings need from the network. */
export interface EchoSupport {
  readonly clock: SimulatedClock;
  /** Where the connections count their echoes. */
  readonly counts: EchoCounts;
  /** The most one-way latency the bare link can have from now on, ms. */
  maxOneWayMs(): number;
}

/** What became of the heartbeats the links played without frames. */
export interface EchoCounts {
  /** Round trips completed without frames. */
  completed: number;
  /** Pings still out when something touched the connection: the client sent them after all. */
  playedOut: number;
  /** Timers the full path would have fired that did not fire. */
  spared: number;
  /** Timers that fired only for the links' bookkeeping (not in the full path). */
  extra: number;
}

/** Timers the full path would have fired less the links' own (for `simulation.events`). */
export function sparedTimers(counts: EchoCounts): number {
  return counts.spared - counts.extra;
}

/** What a connection's pipes share: the network's clock and latency, the connection's random. */
class ConnectionLink implements LinkEnvironment {
  readonly clock: LinkEnvironment['clock'];
  readonly random: Random;
  readonly #env: ConnectionEnvironment;
  constructor(env: ConnectionEnvironment, random: Random) {
    this.clock = env.clock;
    this.random = random;
    this.#env = env;
  }
  oneWayMs(nowMs: number): number {
    return this.#env.oneWayMs(nowMs);
  }
}

/** How far apart the order places of the timers ping k's send sets are (see #sendOrder). */
const sendStep = (k: number): number => (k === 0 ? 1 : VIRTUAL_ORDER_STEP);

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
  #clientCloseTimer: ReturnType<LinkEnvironment['clock']['setTimeout']> | undefined;
  #serverCloseTimer: ReturnType<LinkEnvironment['clock']['setTimeout']> | undefined;
  #forgotten = false;
  // The heartbeat this link plays (see #startEcho), if any. Ping k of it leaves at t0, reaches
  // the server at ts and its pong the client at t1 (the pipes' arrivals: up, down); pings leave
  // every intervalMs. Ping 0 was sent by a real timer; its order places (pipe timer, ping
  // timer, check timer, pong) were reserved from order0. Round trips are applied to the
  // session as they complete (before it reads its own state), which queues them for the client,
  // and to the client in batches (before anything touches it).
  #echo: EchoedPing | undefined;
  #echoOrder0 = 0;
  // The server's cursor: the oldest ping whose pong has not arrived yet, and the one before.
  readonly #next = new PingPlan();
  #nextK = 0;
  #prevT0 = 0;
  // The client's cursor: the round trips the session has seen complete and the client has not
  // been told of yet. Made with the first.
  #trips: RoundTrips | undefined;
  // The session's watchdog while this link plays its wakes (see #sleep): the next wake, at
  // wakeFrom + wakeIn, set by the wake at wakeFrom in the order place wakeOrder (places that far
  // apart); a timer at the token's expiry hands the watchdog back before it would close.
  #wakes = false;
  #wakeFrom = 0;
  #wakeIn = 0;
  #wakeAt = 0;
  #wakeOrder = 0;
  #wakeStep = 1;
  #expiry: TimerHandle | undefined;

  /** The client's end, for the client shell. */
  readonly clientSocket: TransportSocket;
  /** The server's end, for the session. */
  readonly serverTransport: SessionTransport;

  // The two ends, with their methods on prototypes: a connection is made per reconnection (a
  // simulated day makes hundreds of thousands), and a closure per method would be copied by
  // every scavenge that finds the connection alive. Whatever either end does hands a played
  // heartbeat back first.
  // What both ends share: their connection, a flush, and a toxic's reset of the whole link.
  static readonly #End = class LinkEnd {
    protected readonly link: SimConnection;
    constructor(link: SimConnection) {
      this.link = link;
    }
    flush(): void {
      this.link.flush();
    }
    resetLink(): void {
      this.link.reset();
    }
  };

  static readonly #ClientEnd = class ClientEnd
    extends SimConnection.#End
    implements TransportSocket, PipeReceiver
  {
    send(data: string): void {
      const link = this.link;
      link.flush();
      if (link.#client === 'open') link.#up.write(dataFrame(data, true));
    }
    close(code: number, reason: string): void {
      this.link.flush();
      this.link.#clientClose(code, reason);
    }
    arrive(frame: Frame): void {
      this.link.#atClient(frame);
    }
  };

  static readonly #EchoingClientEnd = class EchoingClientEnd extends SimConnection.#ClientEnd {
    echoPing(ping: EchoedPing): boolean {
      return this.link.#startEcho(ping);
    }
  };

  static readonly #ServerEnd = class ServerEnd
    extends SimConnection.#End
    implements SessionTransport, PipeReceiver
  {
    send(text: string): void {
      const link = this.link;
      link.flush();
      if (link.#server === 'open') link.#down.write(dataFrame(text, false));
    }
    close(code: number, reason: string): void {
      this.link.flush();
      this.link.#serverClose(code, reason);
    }
    terminate(): void {
      this.link.flush();
      this.link.#serverEnd();
    }
    settle(): void {
      this.link.#settleForServer();
    }
    sleep(wakeIn: number): boolean {
      return this.link.#sleep(wakeIn);
    }
    arrive(frame: Frame): void {
      this.link.#atServer(frame);
    }
  };

  constructor(
    env: ConnectionEnvironment,
    clientIndex: number,
    url: string,
    token: string,
    handlers: SocketHandlers,
    toxics: Iterable<SimToxic>,
    random: Random,
  ) {
    this.#env = env;
    this.clientIndex = clientIndex;
    this.url = url;
    this.#handlers = handlers;
    // The connection's own random stream: what its toxics draw does not depend on the order in
    // which simultaneous frames of other connections pass.
    const link = new ConnectionLink(env, random);
    const client =
      env.echoes === undefined
        ? new SimConnection.#ClientEnd(this)
        : new SimConnection.#EchoingClientEnd(this);
    const server = new SimConnection.#ServerEnd(this);
    this.clientSocket = client;
    this.serverTransport = server;
    // Frames written upstream arrive at the server's end, downstream at the client's.
    this.#up = new Pipe(link, server);
    this.#down = new Pipe(link, client);
    for (const toxic of toxics) this.addToxic(toxic);
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
   * connection. The server hears of it again ({@link UpgradeTarget.closed}) once its socket is
   * gone.
   */
  accept(open: (transport: SessionTransport) => Session): void {
    if (this.#server !== 'pending') return;
    this.#server = 'open';
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
   * Hands the heartbeat back to the client as the full path would have it by now: the round
   * trips completed so far are applied, then either the ping still out is sent for real as of
   * the moment it left (its timers take the order places they would have taken; when it reached
   * the server before the event now being handled, the server answers it as of then), or the
   * next ping's timer is set again as the last ping set it. Called before anything else acts on
   * either end.
   */
  flush(): void {
    const echo = this.#echo;
    const echoes = this.#env.echoes;
    if (echo === undefined || echoes === undefined) return;
    this.#catchUp(echoes);
    this.#echo = undefined;
    this.#handBackWatchdog(echoes.clock);
    this.#reportPongs(echo);
    const { clock, counts } = echoes;
    const k = this.#nextK;
    const ping = this.#next;
    if (k === 0 || clock.precedesCurrent(ping.t0, this.#pingTimerOrder())) {
      // Ping k is out: the client sends it after all.
      counts.playedOut += 1;
      if (k > 0) counts.spared += 1;
      const order = this.#sendOrder(ping.t0, k);
      const step = sendStep(k);
      clock.travel(ping.t0, order, echo.replay, step);
      if (clock.precedesCurrent(ping.ts, order)) {
        // Reached the server already: answered without its arrival timer.
        counts.spared += 1;
        const up = this.#up;
        clock.travel(ping.ts, order + 3 * step, () => up.fireNow(), step);
      }
    } else {
      // Ping k is not due yet: its timer is set again, where ping k - 1 set it.
      echo.release();
      const step = sendStep(k - 1);
      clock.travel(this.#prevT0, this.#sendOrder(this.#prevT0, k - 1) + step, echo.rearm, step);
    }
  }

  /** Reports to the client the round trips of the heartbeat this link plays that completed. */
  catchUp(): void {
    const echo = this.#echo;
    const echoes = this.#env.echoes;
    if (echo === undefined || echoes === undefined) return;
    this.#catchUp(echoes);
    this.#reportPongs(echo);
  }

  /** True while this link plays a heartbeat. */
  get echoing(): boolean {
    return this.#echo !== undefined;
  }

  // Before the session reads its own state (its watchdog): completed round trips are applied;
  // a ping that reached the server and whose pong is still out is handed back whole.
  #settleForServer(): void {
    const echoes = this.#env.echoes;
    if (this.#echo === undefined || echoes === undefined) return;
    this.#catchUp(echoes);
    const k = this.#nextK;
    const ping = this.#next;
    const clock = echoes.clock;
    const sent = k === 0 || clock.precedesCurrent(ping.t0, this.#pingTimerOrder());
    if (sent && clock.precedesCurrent(ping.ts, this.#sendOrder(ping.t0, k))) this.flush();
  }

  // Where the timers ping k's send sets fall: the reserved places for ping 0, else after the
  // timers set at t0 (the send was skipped); sendStep(k) says how far apart.
  #sendOrder(t0: number, k: number): number {
    return k === 0 ? this.#echoOrder0 : this.#env.echoes!.clock.orderAfter(t0);
  }

  // The order place of the timer that sends ping k (k > 0): set by ping k - 1's send.
  #pingTimerOrder(): number {
    return this.#sendOrder(this.#prevT0, this.#nextK - 1) + sendStep(this.#nextK - 1);
  }

  // True when the pong of `ping` arrived before the event now being handled (the server's send
  // at ts set its pipe's timer).
  #arrived(clock: SimulatedClock, ping: PingPlan): boolean {
    return (
      ping.t1 < clock.now() ||
      (ping.t1 === clock.now() && clock.precedesCurrent(ping.t1, clock.orderAfter(ping.ts)))
    );
  }

  // A quiet heartbeat, taken whole: both ends open, nothing in flight, no toxic, a session that
  // would only answer, and round trips that stay well inside the pong timeout whatever the
  // latency does. Frame times are computed exactly as the pipes would.
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
      !this.#down.idle ||
      !(ping.intervalMs > 0) ||
      // Every round trip well inside the pong timeout, and over before the next ping leaves.
      !(2 * echoes.maxOneWayMs() < Math.min(ping.maxRttMs, ping.intervalMs) - 1) ||
      !session.sustainsPings(ping.intervalMs, 2 * echoes.maxOneWayMs())
    ) {
      return false;
    }
    const clock = echoes.clock;
    const t0 = clock.now();
    const next = this.#next;
    next.plan(clock, this.#up, this.#down, t0, this.#up.lastArrival, this.#down.lastArrival);
    if (!session.canEchoPing(next.ts, next.t1)) return false;
    // Later pings are placed among the timers set around their moments (see orderAfter).
    clock.keepOrderHistory(2 * ping.intervalMs + ping.maxRttMs);
    this.#echo = ping;
    this.#nextK = 0;
    this.#prevT0 = t0;
    this.#echoOrder0 = clock.reserveOrder(4);
    // The watchdog's timer is played from here on too, as it was set.
    const watchdog = session.handOverWatchdog();
    if (watchdog !== undefined) {
      this.#playWakes(clock, watchdog.from, watchdog.wakeIn, clock.orderOf(watchdog.timer));
    }
    return true;
  }

  // Applies to the session (and the pipes) the round trips that completed by now, and plays
  // the watchdog's wakes due by now in between, as the full path would have them.
  #catchUp(echoes: EchoSupport): void {
    const { clock, counts } = echoes;
    const session = this.#session!;
    const next = this.#next;
    const intervalMs = this.#echo!.intervalMs;
    for (;;) {
      const pongDue = this.#arrived(clock, next);
      const wakeDue =
        this.#wakes &&
        (this.#wakeAt < clock.firingAt ||
          (this.#wakeAt === clock.firingAt &&
            clock.precedesCurrent(this.#wakeAt, this.#wakeTimerOrder(clock))));
      if (pongDue && (!wakeDue || next.t1 <= this.#wakeAt)) {
        this.#completed(echoes, session, intervalMs);
      } else if (wakeDue) {
        // The wake reads the last frame: the ping out counts once it reached the server.
        const at = this.#wakeAt;
        const pingArrived =
          next.ts < at ||
          (next.ts === at && this.#sendOrder(next.t0, this.#nextK) < this.#wakeTimerOrder(clock));
        const wakeIn = session.sleepAfter(at, pingArrived ? next.ts : session.lastFrameAt);
        if (wakeIn === undefined) {
          // This wake closes the socket: it happens for real.
          this.#handBackWatchdog(clock);
          break;
        }
        counts.spared += 1;
        this.#wakeFrom = at;
        this.#wakeIn = wakeIn;
        this.#wakeAt = at + wakeIn;
        // Its order place is looked up only when needed (a tie, the hand-back): wakes played
        // long ago may be older than the order history kept.
        this.#wakeOrder = Number.NaN;
        this.#wakeStep = VIRTUAL_ORDER_STEP;
        clock.keepOrderHistory(wakeIn + intervalMs);
      } else break;
    }
    this.#up.passed(next.lastUp);
    this.#down.passed(next.lastDown);
  }

  // The round trip of the ping in `#next` completed: applied to the session, kept for the
  // client, and the next ping planned. Apart from #catchUp so that its own compiled code takes
  // in what it calls: times stay unboxed doubles (a day completes tens of millions of these).
  #completed(echoes: EchoSupport, session: Session, intervalMs: number): void {
    const { clock, counts } = echoes;
    const next = this.#next;
    session.echoPing(next.ts);
    (this.#trips ??= new RoundTrips()).add(next.t0, next.t1);
    counts.completed += 1;
    // The full path fires the ping timer (but for ping 0's), the ping's and the pong's pipes.
    counts.spared += this.#nextK === 0 ? 2 : 3;
    this.#nextK += 1;
    this.#prevT0 = next.t0;
    next.planNext(clock, this.#up, this.#down, intervalMs);
  }

  // The session's watchdog offers its next sleep: while this link plays the heartbeat, it plays
  // the wakes too (none can close the socket but the token's expiry, which it wakes up for).
  #sleep(wakeIn: number): boolean {
    const echoes = this.#env.echoes;
    if (echoes === undefined || this.#session === undefined || this.#echo === undefined) {
      return false;
    }
    if (this.#wakes) return false;
    // The place the watchdog's own timer would have taken now.
    const clock = echoes.clock;
    this.#playWakes(clock, clock.now(), wakeIn, clock.reserveOrder(1));
    return true;
  }

  // Plays the session's watchdog from its timer set at `from` to wake `wakeIn` later, in order
  // place `order`.
  #playWakes(clock: SimulatedClock, from: number, wakeIn: number, order: number): void {
    const session = this.#session!;
    this.#wakes = true;
    this.#wakeFrom = from;
    this.#wakeIn = wakeIn;
    this.#wakeAt = from + wakeIn;
    this.#wakeOrder = order;
    this.#wakeStep = 1;
    clock.keepOrderHistory(wakeIn + this.#echo!.intervalMs);
    const expiresAt = session.tokenExpiresAtMs;
    if (expiresAt !== undefined && Number.isFinite(expiresAt)) {
      this.#expiry = clock.setTimeoutAt(expiresAt, this.#onExpiry);
    }
  }

  readonly #onExpiry = (): void => {
    this.#expiry = undefined;
    const echoes = this.#env.echoes;
    if (echoes === undefined) return;
    echoes.counts.extra += 1;
    if (this.#echo !== undefined) this.#catchUp(echoes);
    this.#handBackWatchdog(echoes.clock);
  };

  // The order place of the watchdog's next timer: set by the wake at wakeFrom.
  #wakeTimerOrder(clock: SimulatedClock): number {
    if (Number.isNaN(this.#wakeOrder)) this.#wakeOrder = clock.orderAfter(this.#wakeFrom);
    return this.#wakeOrder;
  }

  // Arms the session's watchdog again, as the last wake played armed it.
  #handBackWatchdog(clock: SimulatedClock): void {
    if (!this.#wakes) return;
    this.#wakes = false;
    if (this.#expiry !== undefined) clock.clearTimeout(this.#expiry);
    this.#expiry = undefined;
    const session = this.#session;
    const wakeIn = this.#wakeIn;
    if (session !== undefined) {
      clock.travel(
        this.#wakeFrom,
        this.#wakeTimerOrder(clock),
        () => session.resumeWatchdog(wakeIn),
        this.#wakeStep,
      );
    }
  }

  // Reports to the client, in one transition, the round trips the session has seen complete.
  #reportPongs(echo: EchoedPing): void {
    const trips = this.#trips?.take(this.#env.echoes!.clock, echo.intervalMs);
    if (trips !== undefined) echo.pongs(trips.arrivedAt, trips.rttMs);
  }

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
      this.#env.server.closed(this);
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
