import type { AlertInput, BreachAlertMessage } from '../../protocol/index.js';
import {
  IDEMPOTENCY_TTL_MS,
  type AlertListener,
  type Broker,
  type HistorySlice,
} from './broker.js';

// Idempotency keys remembered at most; beyond, the oldest are forgotten first.
const MAX_IDEMPOTENCY_KEYS = 100_000;

/** Forgets keys past their day, and the oldest beyond the cap; a map keeps insertion order. */
function forgetOld(keys: Map<string, { at: number }>, now: number): void {
  for (const [key, entry] of keys) {
    if (keys.size <= MAX_IDEMPOTENCY_KEYS && now - entry.at < IDEMPOTENCY_TTL_MS) break;
    keys.delete(key);
  }
}

/** Options of {@link createMemoryBroker}. */
export interface MemoryBrokerOptions {
  /** Alerts kept per user; older ones are dropped. Default 1000. */
  historySize?: number;
  /** The epoch of this broker's history. Default: a random UUID (a new one per broker). */
  epoch?: string;
}

interface UserLog {
  lastSeq: number;
  /** Ring of the newest alerts, oldest first. */
  alerts: BreachAlertMessage[];
}

/**
 * An in-process broker. Its history lives as long as the object: a new broker is a new epoch,
 * which is how clients learn that a restarted memory-backed server lost its history.
 */
export function createMemoryBroker(options: MemoryBrokerOptions = {}): Broker {
  const historySize = options.historySize ?? 1000;
  if (!Number.isSafeInteger(historySize) || historySize < 1) {
    throw new RangeError(`historySize: expected an integer >= 1, got ${historySize}`);
  }
  const epoch = options.epoch ?? globalThis.crypto.randomUUID();
  const users = new Map<string, UserLog>();
  const listeners = new Set<AlertListener>();
  // Key → the alert it published and when, in insertion (so expiry) order.
  const keys = new Map<string, { alert: BreachAlertMessage; at: number }>();

  // Batch keys apart from single ones: a batch answers with all of its alerts.
  const batchKeys = new Map<string, { alerts: BreachAlertMessage[]; at: number }>();

  const logOf = (userId: string): UserLog => {
    let log = users.get(userId);
    if (log === undefined) {
      log = { lastSeq: 0, alerts: [] };
      users.set(userId, log);
    }
    return log;
  };

  const store = (input: AlertInput, publishedAt: string, id: string): BreachAlertMessage => {
    const log = logOf(input.userId);
    log.lastSeq += 1;
    // Field by field rather than spread: one shape for every alert, and no generic copy.
    const alert: BreachAlertMessage = {
      type: 'breach_alert',
      seq: log.lastSeq,
      id,
      userId: input.userId,
      severity: input.severity,
      title: input.title,
      source: input.source,
      detectedAt: input.detectedAt,
      publishedAt,
    };
    log.alerts.push(alert);
    if (log.alerts.length > historySize) log.alerts.shift();
    return alert;
  };

  return {
    publishBatch(inputs, publishedAt, ids, idempotencyKey) {
      const at = Date.parse(publishedAt);
      if (idempotencyKey !== undefined) {
        forgetOld(batchKeys, at);
        const seen = batchKeys.get(idempotencyKey);
        if (seen !== undefined) return Promise.resolve(seen.alerts);
      }
      const alerts = inputs.map((input, i) => store(input, publishedAt, ids[i]!));
      if (idempotencyKey !== undefined) batchKeys.set(idempotencyKey, { alerts, at });
      for (const alert of alerts) for (const listener of listeners) listener(alert, epoch);
      return Promise.resolve(alerts);
    },

    publish(input: AlertInput, publishedAt: string, id: string, idempotencyKey?: string) {
      const at = Date.parse(publishedAt);
      if (idempotencyKey !== undefined) {
        forgetOld(keys, at);
        const seen = keys.get(idempotencyKey);
        if (seen !== undefined) return Promise.resolve(seen.alert);
      }
      const alert = store(input, publishedAt, id);
      if (idempotencyKey !== undefined) keys.set(idempotencyKey, { alert, at });
      for (const listener of listeners) listener(alert, epoch);
      return Promise.resolve(alert);
    },

    history(userId: string, afterSeq: number, limit = historySize): Promise<HistorySlice> {
      const log = users.get(userId) ?? { lastSeq: 0, alerts: [] };
      const firstSeq = log.alerts[0]?.seq ?? log.lastSeq + 1;
      // seq is gap-free, so the index of seq s is s - firstSeq.
      const start = Math.max(0, afterSeq + 1 - firstSeq);
      return Promise.resolve({
        epoch,
        alerts: log.alerts.slice(start, start + limit),
        firstSeq,
        lastSeq: log.lastSeq,
      });
    },

    head(userId: string) {
      return Promise.resolve({ epoch, lastSeq: users.get(userId)?.lastSeq ?? 0 });
    },

    subscribe(listener: AlertListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      listeners.clear();
      return Promise.resolve();
    },
  };
}
