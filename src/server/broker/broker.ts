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

/** Receives every alert published through any broker instance sharing the store. */
export type AlertListener = (alert: BreachAlertMessage) => void;

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
  /** Alerts of `userId` with seq > `afterSeq`, oldest first, at most `limit`. */
  history(userId: string, afterSeq: number, limit?: number): Promise<HistorySlice>;
  /** The user's current epoch and last seq, without alerts. */
  head(userId: string): Promise<{ epoch: string; lastSeq: number }>;
  /** Calls `listener` for every alert published from now on; returns an unsubscribe. */
  subscribe(listener: AlertListener): () => void;
  /** Releases connections; the broker is unusable afterwards. */
  close(): Promise<void>;
}
