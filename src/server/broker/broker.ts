import type { AlertInput, BreachAlertMessage } from '../../protocol/index.js';

/** A slice of one user's history. */
export interface HistorySlice {
  /** Identifies the durable history; changes only when history is lost. */
  epoch: string;
  /** Alerts with seq > the requested seq, oldest first (at most the requested limit). */
  alerts: BreachAlertMessage[];
  /** Lowest seq still held, or lastSeq + 1 when nothing is held. */
  firstSeq: number;
  /** Highest seq ever assigned to this user in this epoch (0 when none). */
  lastSeq: number;
}

/** How long a broker remembers an idempotency key, ms: a day, far beyond any retry. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Receives every alert published through any broker instance sharing the store, with the epoch
 * it was published in: an alert of a new epoch numbers from 1 again, so a socket greeted in
 * the old one cannot take it in order.
 */
export type AlertListener = (alert: BreachAlertMessage, epoch: string) => void;

/** Verdict on a connection attempt: admitted, or refused until `retryAfterMs` from now. */
export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * What several server instances must agree on beyond alerts: the per-user connect limit and
 * token revocation. A broker whose store is shared by instances (Redis) provides them, so two
 * instances admit 10 connects a minute per user between them, not 10 each, and a revocation
 * through one closes the sockets of every one. An in-process broker has none: the service keeps
 * both in memory.
 */
export interface SharedControls {
  /**
   * Records a connect attempt of `userId` at `nowMs` in a sliding window of `windowMs` shared by
   * every instance, admitted while fewer than `limit` attempts are in the window. Refusals are
   * not recorded. Atomic: concurrent attempts on any instances never admit more than `limit`.
   */
  admitConnect(userId: string, limit: number, windowMs: number, nowMs: number): Promise<Admission>;
  /**
   * Raises the shared revocation cutoff to `cutoffMs` (tokens issued before it are refused) and
   * tells every instance; a lower cutoff changes nothing. Resolves with the cutoff in force.
   */
  revoke(cutoffMs: number): Promise<number>;
  /** The cutoff in force now (`-Infinity` when nothing was revoked), for a starting instance. */
  revokedBefore(): Promise<number>;
  /** Calls `listener` with every cutoff raised by any instance from now on; returns an unsubscribe. */
  onRevoke(listener: (cutoffMs: number) => void): () => void;
}

/**
 * Where alerts live: assigns per-user seq numbers, keeps bounded per-user history, and fans
 * published alerts out to every subscribed server instance. Implementations: memory, Redis.
 */
export interface Broker {
  /**
   * Assigns the next seq for `input.userId`, stores the alert and notifies subscribers. With
   * `idempotencyKey`, a key already used within {@link IDEMPOTENCY_TTL_MS} (in this epoch)
   * returns the alert it published then, unchanged (its `id` differs from the `id` passed), and
   * stores and notifies nothing.
   */
  publish(
    input: AlertInput,
    publishedAt: string,
    id: string,
    idempotencyKey?: string,
  ): Promise<BreachAlertMessage>;
  /**
   * {@link publish} for many alerts at once (one alert to many users, typically): every seq
   * assigned and every alert stored and announced in one step (one round trip to a shared
   * store), in order. With `idempotencyKey`, a key already used for a batch returns that
   * batch's alerts and stores nothing. `ids[i]` is the id of `inputs[i]`.
   */
  publishBatch(
    inputs: readonly AlertInput[],
    publishedAt: string,
    ids: readonly string[],
    idempotencyKey?: string,
  ): Promise<BreachAlertMessage[]>;
  /** Alerts of `userId` with seq > `afterSeq`, oldest first, at most `limit`. */
  history(userId: string, afterSeq: number, limit?: number): Promise<HistorySlice>;
  /** The user's current epoch and last seq, without alerts. */
  head(userId: string): Promise<{ epoch: string; lastSeq: number }>;
  /** Calls `listener` for every alert published from now on; returns an unsubscribe. */
  subscribe(listener: AlertListener): () => void;
  /** Connect limit and revocation shared with other instances; absent in a single process. */
  readonly shared?: SharedControls | undefined;
  /** Releases connections; the broker is unusable afterwards. */
  close(): Promise<void>;
}
