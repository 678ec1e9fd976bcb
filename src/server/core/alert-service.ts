import {
  CloseCode,
  systemClock,
  type AlertInput,
  type BreachAlertMessage,
  type Clock,
  type HeartbeatAdvice,
} from '../../protocol/index.js';
import type { ServerDisconnectReason, ServerMetrics } from '../../metrics/index.js';
import type { Broker, HistorySlice } from '../broker/broker.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import { AlertFrames } from './alert-frame.js';
import { createRandomIds } from './random-ids.js';
import { ConnectLimiter, type Admission } from './connect-limiter.js';
import { Session, type SessionInit } from './session.js';
import { SocketsByUser } from './sockets-by-user.js';
import {
  DEFAULT_HEARTBEAT,
  DEFAULT_LIMITS,
  type ConnectionLimits,
  type SessionLogger,
  type SessionTransport,
} from './types.js';

/** Options of {@link createAlertService}. */
export interface AlertServiceOptions {
  broker: Broker;
  /** Default: the system clock. */
  clock?: Clock | undefined;
  metrics?: ServerMetrics | undefined;
  limits?: Partial<ConnectionLimits> | undefined;
  heartbeat?: HeartbeatAdvice | undefined;
  /** Makes connection and alert ids. Default: random version 4 UUIDs ({@link createRandomIds}). */
  createId?: (() => string) | undefined;
  logger?: SessionLogger | undefined;
}

/**
 * The alert server without HTTP: admits connections, runs a {@link Session} per socket, fans
 * published alerts out to every socket of their user (all tabs), and serves history. The
 * Fastify routes and the simulator are both thin shells around it.
 */
export interface AlertService {
  /** Counts a connection attempt against this instance's per-user rate limit. */
  admit(userId: string): Admission;
  /**
   * Counts a connection attempt against the per-user rate limit every instance shares when the
   * broker provides one (Redis), else as {@link admit}. While the shared store cannot answer,
   * this instance's own limit decides: connects keep working, each instance admitting up to the
   * limit.
   */
  admitConnect(userId: string): Promise<Admission>;
  /** Starts a session on an open socket; returns it so the shell can feed it frames. */
  open(transport: SessionTransport, init: Omit<SessionInit, 'connectionId'>): Session;
  /** Stores an alert, assigns its seq and delivers it to the user's open sockets. */
  publish(input: AlertInput): Promise<BreachAlertMessage>;
  /**
   * {@link publish} at most once per `idempotencyKey`: a repeat (a publisher's retry after a
   * lost answer) returns the alert the key published, `replayed: true`, and stores nothing.
   * Throws ServerError SRV_IDEMPOTENCY_KEY_REUSED (422) when the key published another alert.
   */
  publishOnce(
    input: AlertInput,
    idempotencyKey: string,
  ): Promise<{ alert: BreachAlertMessage; replayed: boolean }>;
  /**
   * One alert to many users (each once): every seq assigned and stored in one broker step, then
   * delivered to each user's open sockets. With `idempotencyKey`, a repeat returns the batch the
   * key published (`replayed: true`) and stores nothing; a key that published another batch
   * (other users or fields) throws ServerError SRV_IDEMPOTENCY_KEY_REUSED (422).
   */
  publishBatch(
    input: Omit<AlertInput, 'userId'>,
    userIds: readonly string[],
    idempotencyKey?: string,
  ): Promise<{ alerts: BreachAlertMessage[]; replayed: boolean }>;
  /** The user's alerts with seq > `afterSeq` (polling fallback). */
  history(userId: string, afterSeq: number): Promise<HistorySlice>;
  /**
   * A long poll: the user's alerts with seq > `afterSeq` (at most `limit`), waiting up to
   * `waitMs` for the first one when there is none yet. Returns early, with what is there, when
   * `signal` aborts or the server closes its connections.
   */
  poll(userId: string, afterSeq: number, options: PollOptions): Promise<HistorySlice>;
  /** Long polls waiting now. */
  readonly waitingPolls: number;
  /** Closes every socket with `code` (1012 restart, 1001 going away). */
  closeAll(code: number, reason: string, metricReason: ServerDisconnectReason): void;
  /** Drops every socket without a close frame (hard restart). */
  terminateAll(): void;
  /**
   * Revokes every token issued before `cutoffMs` (by `iat`, in ms): their sockets close with
   * 4401 and upgrades with them get 401. Returns how many sockets were closed.
   */
  revokeTokensIssuedBefore(cutoffMs: number): number;
  /**
   * {@link revokeTokensIssuedBefore} here, then on every instance sharing the broker (their
   * sockets close as the revocation reaches them). Rejects with the broker's error when the
   * shared store cannot take it: this instance has revoked, the others may not have.
   */
  revokeEverywhere(cutoffMs: number): Promise<number>;
  /** True when a token issued at `issuedAtMs` has been revoked. */
  isRevoked(issuedAtMs: number | undefined): boolean;
  /** Open sessions. */
  readonly connectionCount: number;
  /** The most sessions open at once since the service started. */
  readonly peakConnectionCount: number;
  /** Unsubscribes from the broker (does not close it: the broker may outlive the server). */
  dispose(): void;
  readonly limits: ConnectionLimits;
  readonly heartbeat: HeartbeatAdvice;
}

/** How {@link AlertService.poll} waits. */
export interface PollOptions {
  /** Longest wait for a first alert, ms; 0 answers at once. */
  waitMs: number;
  /** At most this many alerts. Default: all. */
  limit?: number | undefined;
  /** Ends the wait early (the request went away). */
  signal?: AbortSignal | undefined;
}

function deliverTo(session: Session, alert: BreachAlertMessage, epoch: string): void {
  session.deliver(alert, epoch);
}

/** Builds an {@link AlertService}. */
export function createAlertService(options: AlertServiceOptions): AlertService {
  const clock = options.clock ?? systemClock;
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const heartbeat = options.heartbeat ?? DEFAULT_HEARTBEAT;
  const createId = options.createId ?? createRandomIds();
  const { broker, metrics, logger } = options;
  const limiter = new ConnectLimiter(clock, limits.connectsPerMinute, limits.connectWindowMs);
  const byUser = new SocketsByUser<Session>();
  let open = 0;
  let peak = 0;
  const env = {
    clock,
    broker,
    metrics,
    limits,
    heartbeat,
    createId,
    logger,
    frames: new AlertFrames(),
  };

  const onClosed = (session: Session): void => {
    if (byUser.remove(session.userId, session)) {
      open -= 1;
      metrics?.connections.dec();
    }
  };

  // Long polls waiting for a user's next alert: woken by it, by their timeout or by shutdown.
  const waiters = new Map<string, Set<() => void>>();
  let waiting = 0;
  const wakeUser = (userId: string): void => {
    // Most servers have no long poll waiting: no lookup per alert of a batch then.
    if (waiters.size === 0) return;
    const set = waiters.get(userId);
    if (set === undefined) return;
    waiters.delete(userId);
    for (const wake of set) wake();
  };
  const wakeAll = (): void => {
    for (const userId of [...waiters.keys()]) wakeUser(userId);
  };
  /** A promise settled by the user's next alert, `waitMs`, `signal` or shutdown. */
  const waitForAlert = (userId: string, waitMs: number, signal: AbortSignal | undefined) => {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      wake = () => {
        if (timer === undefined) return;
        clock.clearTimeout(timer);
        timer = undefined;
        waiting -= 1;
        metrics?.pollsWaiting.dec();
        waiters.get(userId)?.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      timer = clock.setTimeout(wake, waitMs);
      waiting += 1;
      metrics?.pollsWaiting.inc();
      let set = waiters.get(userId);
      if (set === undefined) waiters.set(userId, (set = new Set()));
      set.add(wake);
      if (signal?.aborted) wake();
      else signal?.addEventListener('abort', wake);
    });
    return { woken, cancel: () => wake() };
  };

  const longPoll = async (
    userId: string,
    afterSeq: number,
    { waitMs, limit, signal }: PollOptions,
  ): Promise<HistorySlice> => {
    if (waitMs <= 0) return broker.history(userId, afterSeq, limit);
    // Waiting starts before the read: an alert stored between the two still wakes the poll.
    const wait = waitForAlert(userId, waitMs, signal);
    try {
      const slice = await broker.history(userId, afterSeq, limit);
      // Alerts are there, or the history is not the one `afterSeq` counts in: answer now.
      if (slice.alerts.length > 0 || slice.lastSeq < afterSeq) return slice;
      await wait.woken;
      return await broker.history(userId, afterSeq, limit);
    } finally {
      wait.cancel();
    }
  };

  const unsubscribe = broker.subscribe((alert, epoch) => {
    wakeUser(alert.userId);
    // A session that closes on a new epoch leaves the list while it is walked; a closed one
    // takes nothing.
    byUser.forEachOf(alert.userId, deliverTo, alert, epoch);
  });
  const shared = broker.shared;
  // Logged once per outage of the shared store, not once per refused call.
  let sharedDown = false;

  const everySession = (): Session[] => byUser.all();
  let revokedBeforeMs = -Infinity;
  // An issuer that writes whole-second `iat` sees tokens minted in the revocation's own second
  // (before the cutoff's milliseconds) refused too; signToken writes milliseconds.
  const isRevoked = (issuedAtMs: number | undefined): boolean =>
    revokedBeforeMs > -Infinity && (issuedAtMs === undefined || issuedAtMs < revokedBeforeMs);
  const revokeLocally = (cutoffMs: number): number => {
    revokedBeforeMs = Math.max(revokedBeforeMs, cutoffMs);
    let closed = 0;
    for (const session of everySession()) {
      if (isRevoked(session.tokenIssuedAtMs)) {
        session.close(CloseCode.TOKEN_EXPIRED, 'token revoked', 'token_expired');
        closed += 1;
      }
    }
    return closed;
  };
  const unsubscribeRevoke = shared?.onRevoke((cutoffMs) => revokeLocally(cutoffMs));

  return {
    limits,
    heartbeat,
    admit: (userId) => limiter.admit(userId),

    async admitConnect(userId) {
      if (shared === undefined) return limiter.admit(userId);
      try {
        const admission = await shared.admitConnect(
          userId,
          limits.connectsPerMinute,
          limits.connectWindowMs,
          clock.now(),
        );
        sharedDown = false;
        return admission;
      } catch (error) {
        if (!sharedDown) {
          sharedDown = true;
          logger?.warn(
            { event: 'shared_limit_unavailable', err: (error as Error).message },
            'shared connect limit unavailable: this instance counts connects on its own',
          );
        }
        return limiter.admit(userId);
      }
    },

    open(transport, init) {
      const session = new Session(env, transport, { ...init, connectionId: createId() }, onClosed);
      // Registered before hello so no alert published from now on can slip past it.
      byUser.add(init.userId, session);
      open += 1;
      peak = Math.max(peak, open);
      metrics?.connections.inc();
      metrics?.connectionsOpened.inc();
      logger?.info(
        { event: 'ws_open', connectionId: session.connectionId, userId: init.userId },
        'connection opened',
      );
      void session.start();
      return session;
    },

    async publish(input) {
      const alert = await broker.publish(input, new Date(clock.now()).toISOString(), createId());
      metrics?.alertsPublished.inc({ severity: alert.severity });
      return alert;
    },

    async publishOnce(input, idempotencyKey) {
      const id = createId();
      const alert = await broker.publish(
        input,
        new Date(clock.now()).toISOString(),
        id,
        idempotencyKey,
      );
      if (alert.id === id) {
        metrics?.alertsPublished.inc({ severity: alert.severity });
        return { alert, replayed: false };
      }
      // detectedAt is left out: a retry that omits it gets a new default.
      if (
        alert.userId !== input.userId ||
        alert.severity !== input.severity ||
        alert.title !== input.title ||
        alert.source !== input.source
      ) {
        throw new ServerError(
          ServerErrorCode.IDEMPOTENCY_KEY_REUSED,
          422,
          `Idempotency-Key ${JSON.stringify(idempotencyKey)} already published another alert (seq ${alert.seq} of user ${JSON.stringify(alert.userId)})`,
        );
      }
      return { alert, replayed: true };
    },

    async publishBatch(input, userIds, idempotencyKey) {
      const ids = userIds.map(() => createId());
      // Field by field: a spread per user is a generic copy, 10,000 times a batch.
      const { severity, title, source, detectedAt } = input;
      const alerts = await broker.publishBatch(
        userIds.map((userId) => ({ userId, severity, title, source, detectedAt })),
        new Date(clock.now()).toISOString(),
        ids,
        idempotencyKey,
      );
      if (alerts[0]?.id === ids[0]) {
        metrics?.alertsPublished.inc({ severity: input.severity }, alerts.length);
        return { alerts, replayed: false };
      }
      // A repeat: the same users in the same order and the same fields (detectedAt aside, as
      // for single publishes), or the key was used for something else.
      const same =
        alerts.length === userIds.length &&
        alerts.every(
          (alert, i) =>
            alert.userId === userIds[i] &&
            alert.severity === input.severity &&
            alert.title === input.title &&
            alert.source === input.source,
        );
      if (!same) {
        throw new ServerError(
          ServerErrorCode.IDEMPOTENCY_KEY_REUSED,
          422,
          `Idempotency-Key ${JSON.stringify(idempotencyKey)} already published another batch (${alerts.length} alerts, the first to user ${JSON.stringify(alerts[0]?.userId)})`,
        );
      }
      return { alerts, replayed: true };
    },

    history: (userId, afterSeq) => broker.history(userId, afterSeq),

    async poll(userId, afterSeq, options) {
      const slice = await longPoll(userId, afterSeq, options);
      metrics?.polls.inc({ outcome: slice.alerts.length > 0 ? 'alerts' : 'empty' });
      return slice;
    },

    get waitingPolls() {
      return waiting;
    },

    closeAll(code, reason, metricReason) {
      wakeAll();
      for (const session of everySession()) session.close(code, reason, metricReason);
    },

    isRevoked,

    revokeTokensIssuedBefore: revokeLocally,

    async revokeEverywhere(cutoffMs) {
      const closed = revokeLocally(cutoffMs);
      if (shared !== undefined) await shared.revoke(cutoffMs);
      return closed;
    },

    terminateAll() {
      wakeAll();
      for (const session of everySession()) session.terminate();
    },

    get connectionCount() {
      return open;
    },

    get peakConnectionCount() {
      return peak;
    },

    dispose() {
      wakeAll();
      unsubscribe();
      unsubscribeRevoke?.();
    },
  };
}
