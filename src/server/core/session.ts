import {
  CloseCode,
  encodeMessage,
  parseClientMessage,
  ProtocolErrorCode,
  type BreachAlertMessage,
  type ClientMessage,
  type ResumeMessage,
  type ServerMessage,
  type TimerHandle,
} from '../../protocol/index.js';
import { closeCodeLabel, type ServerDisconnectReason } from '../../metrics/index.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { FloodGuard } from './flood-guard.js';
import { SessionWatchdog, watchdogVerdict, type HandedWatchdog } from './session-watchdog.js';
import type { AlertSink, SessionEnvironment, SessionTransport } from './types.js';

/** Where a session is in its life. */
export type SessionPhase =
  | 'opening' // hello not sent yet; live alerts wait
  | 'awaiting-resume' // hello sent; live alerts wait up to resumeWaitMs for a resume
  | 'replaying' // a resume is being served; live alerts wait behind it
  | 'live' // alerts flow as they are published
  | 'closed';

/** Identity and credentials of one connection. */
export interface SessionInit {
  userId: string;
  connectionId: string;
  /** When the token expires, epoch ms; the socket is closed with 4401 then. */
  tokenExpiresAtMs?: number | undefined;
  /** When the token was issued, epoch ms; tokens issued before a revocation are closed. */
  tokenIssuedAtMs?: number | undefined;
}

// A rejected frame costs this many flood tokens: garbage runs out the budget five times faster.
// A resume beyond the one a connection needs costs as much: each may replay the whole history.
const BAD_FRAME_COST = 5;
// Alerts a replay sends before it checks the socket's back-pressure.
const REPLAY_BATCH = 100;
// Pings free of flood tokens beyond the heartbeat's own allowance (a client may ping at once
// on opening, and again when a tab becomes visible).
const PING_HEADROOM = 4;
// What a socket that carried no alert yet carried: a range no seq lies in.
const NOTHING_CARRIED = [Infinity, 0] as const;

// The publish time last parsed: the alerts of a batch, and an alert to many tabs, share theirs.
let lastPublishedAt = '';
let lastPublishedAtMs = Number.NaN;
function publishedAtMs(publishedAt: string): number {
  if (publishedAt !== lastPublishedAt) {
    lastPublishedAtMs = Date.parse(publishedAt);
    lastPublishedAt = publishedAt;
  }
  return lastPublishedAtMs;
}

/**
 * The per-connection protocol: hello, ping/pong, resume and replay, ordered live delivery,
 * acks, limits and token expiry. Free of Fastify and ws: it talks to a {@link SessionTransport}
 * and reads time from the injected clock, so the simulator runs it unchanged.
 *
 * Ordering: every alert reaches the socket at most once and in seq order. Live alerts that
 * arrive while the session is opening or replaying wait in `#pending` and are flushed after.
 */
export class Session implements AlertSink {
  readonly userId: string;
  readonly connectionId: string;
  readonly openedAt: number;
  readonly #env: SessionEnvironment;
  readonly #transport: SessionTransport;
  readonly #flood: FloodGuard;
  readonly #onClosed: (session: Session) => void;
  readonly #tokenExpiresAtMs: number | undefined;
  /** When the token was issued, epoch ms (undefined: no `iat`). */
  readonly tokenIssuedAtMs: number | undefined;
  #phase: SessionPhase = 'opening';
  /** Made when a first alert has to wait (memory per socket). */
  #pending: BreachAlertMessage[] | undefined;
  /** The epoch `hello` announced; undefined before it. */
  #epoch: string | undefined;
  /** An epoch seen on an alert before `hello`, to compare with the one it announces. */
  #epochBeforeHello: string | undefined;
  /** Made with the first alert this socket carries (memory per socket). */
  #ledger: DeliveryLedger | undefined;
  #resumes = 0;
  #pings = 0;
  #resumeTimer: TimerHandle | undefined;
  /** One timer per session for both the idle check and token expiry (memory per socket). */
  readonly #watchdog: SessionWatchdog;
  #lastFrameAt: number;

  constructor(
    env: SessionEnvironment,
    transport: SessionTransport,
    init: SessionInit,
    onClosed: (session: Session) => void,
  ) {
    this.#env = env;
    this.#transport = transport;
    this.#onClosed = onClosed;
    this.userId = init.userId;
    this.connectionId = init.connectionId;
    this.#tokenExpiresAtMs = init.tokenExpiresAtMs;
    this.tokenIssuedAtMs = init.tokenIssuedAtMs;
    this.openedAt = env.clock.now();
    this.#lastFrameAt = this.openedAt;
    this.#flood = new FloodGuard(env.clock, env.limits.messagesPerSecond);
    this.#watchdog = new SessionWatchdog(env.clock, () => this.#watch());
  }

  /** Current phase. */
  get phase(): SessionPhase {
    return this.#phase;
  }

  /** Sends `hello` and arms the timers. Call once, right after the socket opened. */
  async start(): Promise<void> {
    this.#watch();
    let epoch: string;
    try {
      epoch = (await this.#env.broker.head(this.userId)).epoch;
    } catch (error) {
      this.#internalError(error);
      return;
    }
    if (this.#phase !== 'opening') return;
    this.#epoch = epoch;
    this.#send({
      type: 'hello',
      connectionId: this.connectionId,
      epoch,
      serverTime: this.#env.clock.now(),
      heartbeat: this.#env.heartbeat,
    });
    this.#phase = 'awaiting-resume';
    if (this.#epochBeforeHello !== undefined && this.#epochBeforeHello !== epoch) {
      this.#historyReset();
      return;
    }
    this.#resumeTimer = this.#env.clock.setTimeout(() => {
      this.#resumeTimer = undefined;
      if (this.#phase === 'awaiting-resume') this.#goLive();
    }, this.#env.limits.resumeWaitMs);
  }

  /**
   * Handles one incoming frame. `data` is a string for text frames and anything else for
   * binary ones; `byteLength` is its size on the wire. Returns the work a `resume` started
   * (it awaits the broker; it never rejects), undefined when the frame was handled at once.
   */
  receive(data: unknown, byteLength: number): Promise<void> | undefined {
    if (this.#phase === 'closed') return;
    this.#lastFrameAt = this.#env.clock.now();
    if (byteLength > this.#env.limits.maxFrameBytes) {
      this.close(
        CloseCode.TOO_BIG,
        `frame of ${byteLength} bytes exceeds ${this.#env.limits.maxFrameBytes}`,
        'too_big',
      );
      return;
    }
    const parsed = parseClientMessage(data);
    if (!this.#flood.take(parsed.ok ? this.#costOf(parsed.value) : BAD_FRAME_COST)) {
      this.close(CloseCode.POLICY, 'too many messages', 'flood');
      return;
    }
    if (!parsed.ok) {
      this.#send({ type: 'error', code: parsed.error.code, message: parsed.error.message });
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'ping': {
        // Whole milliseconds, so serverTime and the ISO timestamp name the same instant.
        const now = Math.floor(this.#env.clock.now());
        this.#pings += 1;
        this.#env.metrics?.pings.inc();
        this.#send({
          type: 'pong',
          id: message.id,
          timestamp: new Date(now).toISOString(),
          serverTime: now,
        });
        // A client that pings without resuming does not want to wait for live alerts.
        if (this.#phase === 'awaiting-resume') this.#goLive();
        return;
      }
      case 'ack':
        this.#acknowledge(message.seq);
        return;
      case 'resume':
        return this.#resume(message);
    }
  }

  /**
   * True when a ping reaching this session at `at` would be answered with a pong and nothing
   * else: live (so no resume timer), within the flood budget, its watchdog not due before
   * `before`.
   */
  canEchoPing(at: number, before: number): boolean {
    return (
      this.#phase === 'live' &&
      (this.#watchdog.dueAt === undefined || this.#watchdog.dueAt > before) &&
      this.#flood.allows(this.#pingCost(at), at)
    );
  }

  /**
   * True when a ping every `everyMs`, answered within `rttMs`, keeps the socket within the
   * flood budget and clear of the idle timeout however long it goes on.
   */
  sustainsPings(everyMs: number, rttMs: number): boolean {
    return this.#flood.sustains(1, everyMs) && everyMs + rttMs < this.#env.limits.idleTimeoutMs;
  }

  /** When the token expires, epoch ms (undefined: never). */
  get tokenExpiresAtMs(): number | undefined {
    return this.#tokenExpiresAtMs;
  }

  /**
   * Hands the armed watchdog to a transport that plays the heartbeat (see
   * {@link SessionTransport.sleep}): cancels its timer and says when it was set (`from`), for
   * how long (`wakeIn`) and which timer it was; undefined when none is armed. The transport
   * gives it back with {@link resumeWatchdog}, as of `from`.
   */
  handOverWatchdog(): HandedWatchdog | undefined {
    if (this.#phase === 'closed') return undefined;
    return this.#watchdog.handOver();
  }

  /** Clock time of the last frame received. */
  get lastFrameAt(): number {
    return this.#lastFrameAt;
  }

  /**
   * How long the watchdog waking at `at`, the last frame having come at `lastFrameAt`, sleeps
   * before it wakes again; undefined when it would close the socket instead.
   */
  sleepAfter(at: number, lastFrameAt: number): number | undefined {
    const wakeIn = this.#verdict(at, lastFrameAt);
    return typeof wakeIn === 'number' ? wakeIn : undefined;
  }

  /**
   * Takes back the watchdog a transport played (see {@link SessionTransport.sleep}): arms it
   * to wake `wakeIn` ms from now, as its last wake did (run it as of that wake).
   */
  resumeWatchdog(wakeIn: number): void {
    if (this.#phase === 'closed') return;
    this.#watchdog.resume(wakeIn);
  }

  /**
   * A ping that reached the session at `at` and was answered, applied now (the simulator's
   * links play quiet heartbeats without frames): what {@link receive} does for a ping, less
   * the frames. Only after {@link canEchoPing} held.
   */
  echoPing(at: number): void {
    this.#lastFrameAt = at;
    this.#flood.take(this.#pingCost(at), at);
    this.#pings += 1;
    this.#env.metrics?.pings.inc();
  }

  /** Delivers a live alert for this session's user, in order and at most once. */
  deliver(alert: BreachAlertMessage, epoch?: string): void {
    if (alert.userId !== this.userId) return;
    if (epoch !== undefined && this.#phase !== 'closed') {
      if (this.#epoch === undefined) this.#epochBeforeHello = epoch;
      else if (epoch !== this.#epoch) {
        this.#historyReset();
        return;
      }
    }
    if (this.#phase === 'live') this.#sendAlert(alert, 'sent');
    else if (this.#phase !== 'closed') (this.#pending ??= []).push(alert);
  }

  /**
   * The store lost its history (a Redis restart without persistence): seqs start again at 1 in
   * a new epoch this socket's client does not know, and would drop as duplicates. Closed with
   * 1012 instead: the client reconnects, its hello shows the new epoch, and it resumes from 0.
   */
  #historyReset(): void {
    this.close(CloseCode.SERVICE_RESTART, 'history reset: reconnect and resume', 'restart');
  }

  /** Closes the socket with `code` and records why. Idempotent. */
  close(code: number, reason: string, metricReason: ServerDisconnectReason): void {
    if (this.#phase === 'closed') return;
    this.#transport.flush?.();
    if (!this.#finish(metricReason, code)) return;
    this.#transport.close(code, reason);
  }

  /** Drops the socket without a close frame (simulates a crash). Idempotent. */
  terminate(): void {
    if (this.#phase === 'closed') return;
    this.#transport.flush?.();
    if (!this.#finish('terminated', 1006)) return;
    this.#transport.terminate();
  }

  /** The transport reports the peer closed or the socket died. Idempotent. */
  handleTransportClosed(code: number): void {
    this.#finish(disconnectReasonOf(code), code);
  }

  /**
   * Flood tokens a valid frame costs. What a correct client cannot avoid sending is free: an
   * ack that moves the acknowledged point over alerts this socket sent (so free acks never
   * outnumber the alerts), the connection's first resume, and pings within the heartbeat's
   * allowance (see {@link #pingCost}). Repeated resumes cost as much as garbage.
   */
  #costOf(message: ClientMessage): number {
    switch (message.type) {
      case 'ack':
        return this.#ledger?.owes(message.seq) === true ? 0 : 1;
      case 'resume':
        return this.#resumes === 0 ? 0 : BAD_FRAME_COST;
      case 'ping':
        return this.#pingCost(this.#env.clock.now());
    }
  }

  /**
   * Flood tokens a ping reaching the session at `at` costs: none while this connection's pings
   * stay within what the advertised heartbeat allows (one per interval and a probe for each),
   * however a slow link bunches them up on the way; one beyond that.
   */
  #pingCost(at: number): number {
    const intervalMs = this.#env.heartbeat.intervalMs;
    const allowed =
      PING_HEADROOM + (intervalMs > 0 ? (2 * Math.max(0, at - this.openedAt)) / intervalMs : 0);
    return this.#pings < allowed ? 0 : 1;
  }

  async #resume(message: ResumeMessage): Promise<void> {
    this.#resumes += 1;
    if (this.#phase === 'replaying') {
      this.#send({
        type: 'error',
        code: ProtocolErrorCode.INVALID_FIELD,
        message: 'resume: a replay is already in progress',
      });
      return;
    }
    if (this.#phase === 'opening') {
      // hello is still on its way; a well-behaved client never resumes before it.
      this.#send({
        type: 'error',
        code: ProtocolErrorCode.INVALID_FIELD,
        message: 'resume: expected after hello',
      });
      return;
    }
    this.#clearResumeTimer();
    this.#phase = 'replaying';
    try {
      const head = await this.#env.broker.head(this.userId);
      const sameEpoch = message.epoch === head.epoch;
      // A different epoch means the client's seq numbers belong to lost history.
      const after = sameEpoch ? message.lastSeq : 0;
      const slice = await this.#env.broker.history(this.userId, after);
      if (this.#phase !== 'replaying') return;
      let replayed = 0;
      // What the socket carried before the replay (live alerts, when the resume came late).
      const carried = this.#carried();
      const alerts = slice.alerts;
      for (let i = 0; i < alerts.length; i++) {
        if (this.#sendAlert(alerts[i]!, 'replayed', carried)) replayed += 1;
        if ((i + 1) % REPLAY_BATCH !== 0 || i + 1 === alerts.length) continue;
        // A batch is out: let the socket drain before the next (live alerts wait behind it).
        const drained = this.#transport.drained?.();
        if (drained === undefined) continue;
        await drained;
        if (this.#phase !== 'replaying') return;
      }
      // firstSeq is the oldest seq still held: everything between the client's seq and it is gone.
      const trimmed = Math.max(0, slice.firstSeq - after - 1);
      const gap = trimmed > 0 || (!sameEpoch && message.epoch !== '');
      this.#send({ type: 'resumed', replayed, gap, missed: trimmed });
      this.#goLive();
    } catch (error) {
      this.#internalError(error);
    }
  }

  #goLive(): void {
    this.#clearResumeTimer();
    this.#phase = 'live';
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) for (const alert of pending) this.#sendAlert(alert, 'sent');
  }

  /**
   * Sends an alert unless this socket already carried it: every seq of `carried` (by default
   * all it carried so far). Seqs older than the first it carried come only from a resume that
   * arrived after live delivery had started (a slow link): they go after the newer ones, and
   * the client fills the holes its seq jumps left.
   */
  #sendAlert(
    alert: BreachAlertMessage,
    outcome: 'sent' | 'replayed',
    carried?: readonly [number, number],
  ): boolean {
    const seq = alert.seq;
    if (
      carried === undefined
        ? this.#ledger?.carries(seq) === true
        : DeliveryLedger.within(seq, carried)
    ) {
      return false;
    }
    // One frame for every socket the alert goes to, and a batch's shared fields encoded once.
    if (this.#phase !== 'closed') {
      const transport = this.#transport;
      if (transport.sendAlert !== undefined) transport.sendAlert(alert);
      else transport.send(this.#env.frames.encode(alert));
    }
    this.#env.metrics?.alertDeliveries.inc({ outcome });
    (this.#ledger ??= new DeliveryLedger()).record(seq, publishedAtMs(alert.publishedAt));
    return true;
  }

  /** A cumulative ack: every alert this socket sent with a seq up to `seq` was delivered. */
  #acknowledge(seq: number): void {
    const metrics = this.#env.metrics;
    const now = this.#env.clock.now();
    this.#ledger?.acknowledge(seq, (publishedAtMs) => {
      metrics?.alertDeliveries.inc({ outcome: 'acked' });
      metrics?.alertDeliveryDuration.observe(Math.max(0, now - publishedAtMs) / 1000);
    });
  }

  #send(message: ServerMessage): void {
    if (this.#phase === 'closed') return;
    this.#transport.send(encodeMessage(message));
  }

  /**
   * Closes the socket when its token expired (4401) or it has been silent for idleTimeoutMs
   * (4000); otherwise sleeps until the nearer of the two deadlines.
   */
  #watch(): void {
    const watchdog = this.#watchdog;
    watchdog.woke();
    if (this.#phase === 'closed') return;
    this.#transport.settle?.();
    const now = this.#env.clock.now();
    const wakeIn = this.#verdict(now, this.#lastFrameAt);
    if (wakeIn === 'expired') {
      this.close(CloseCode.TOKEN_EXPIRED, 'token expired', 'token_expired');
      return;
    }
    if (wakeIn === 'idle') {
      const silentFor = now - this.#lastFrameAt;
      this.close(
        CloseCode.HEARTBEAT_TIMEOUT,
        `no frame for ${Math.round(silentFor / 1000)} s`,
        'heartbeat',
      );
      return;
    }
    // A transport that plays the heartbeat may play the wakes too, until it hands them back.
    watchdog.dueIn(now, wakeIn);
    if (this.#transport.sleep?.(wakeIn) === true) return;
    watchdog.arm(now, wakeIn);
  }

  // What the watchdog waking at `now` does: close (and why) or sleep this long.
  #verdict(now: number, lastFrameAt: number): number | 'expired' | 'idle' {
    return watchdogVerdict(
      now,
      lastFrameAt,
      this.#tokenExpiresAtMs,
      this.#env.limits.idleTimeoutMs,
    );
  }

  /** The seqs this socket carried so far: none before its first alert. */
  #carried(): readonly [lowest: number, highest: number] {
    return this.#ledger?.carried ?? NOTHING_CARRIED;
  }

  #clearResumeTimer(): void {
    if (this.#resumeTimer !== undefined) this.#env.clock.clearTimeout(this.#resumeTimer);
    this.#resumeTimer = undefined;
  }

  #internalError(error: unknown): void {
    this.#env.logger?.warn(
      {
        connectionId: this.connectionId,
        err: error instanceof Error ? error.message : String(error),
      },
      'session failed',
    );
    this.close(CloseCode.INTERNAL, 'internal error', 'error');
  }

  /** Moves to closed once; returns false when already closed. */
  #finish(reason: ServerDisconnectReason, code: number): boolean {
    if (this.#phase === 'closed') return false;
    this.#phase = 'closed';
    this.#pending = undefined;
    this.#clearResumeTimer();
    const { clock, metrics, logger } = this.#env;
    this.#watchdog.stop();
    metrics?.disconnections.inc({ reason });
    metrics?.closes.inc({ code: closeCodeLabel(code) });
    logger?.info(
      {
        event: 'ws_close',
        connectionId: this.connectionId,
        userId: this.userId,
        code,
        reason,
        durationMs: clock.now() - this.openedAt,
      },
      'connection closed',
    );
    this.#onClosed(this);
    return true;
  }
}

/** Classifies a close the peer or the network started. */
function disconnectReasonOf(code: number): ServerDisconnectReason {
  // 1005: the peer's close frame carried no status; still a deliberate close.
  if (code === CloseCode.NORMAL || code === CloseCode.GOING_AWAY || code === 1005) {
    return 'client_close';
  }
  // 1006: the TCP connection ended without a close frame.
  if (code === 1006) return 'abnormal';
  if (code === CloseCode.TOO_BIG) return 'too_big';
  return 'error';
}
