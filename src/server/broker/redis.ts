import { Redis, type RedisOptions } from 'ioredis';
import {
  parseServerMessage,
  systemClock,
  type AlertInput,
  type BreachAlertMessage,
  type Clock,
} from '../../protocol/index.js';
import {
  IDEMPOTENCY_TTL_MS,
  type AlertListener,
  type Broker,
  type HistorySlice,
} from './broker.js';
import { BrokerError, BrokerErrorCode, toBrokerError } from './errors.js';
import { FanoutReader, valueOf } from './redis-fanout.js';
import { publishBatchScript, publishScript, readScript } from './redis-scripts.js';
import { createRedisSharedControls } from './redis-shared.js';
import { describeRedisUrl, parseRedisUrl } from './redis-url.js';

/** Options of {@link createRedisBroker}. */
export interface RedisBrokerOptions {
  /**
   * Where Redis listens: `redis://[user:password@]host[:port][/db]` or `rediss://` for TLS.
   * Default `redis://127.0.0.1:6379`. Not allowed together with `client`.
   */
  url?: string | undefined;
  /**
   * An ioredis client the caller owns, used for commands and duplicated for the fan-out reader.
   * `close()` leaves it open. Its own retry settings decide how long commands wait while Redis is
   * away; `commandTimeoutMs` still bounds every call.
   */
  client?: Redis | undefined;
  /** Prefix of every key and of nothing else, so several deployments can share a Redis. Default `stormwatch:`. */
  keyPrefix?: string | undefined;
  /** Alerts kept per user; older ones are trimmed. Default 1000 (as the memory broker). */
  historySize?: number | undefined;
  /**
   * Entries kept in the shared events stream, roughly: how far a fan-out reader that lost its
   * connection can fall behind and still catch up without loss. Default 10000.
   */
  eventsBacklog?: number | undefined;
  /**
   * Longest wait for any one Redis call (publish, history, head, connecting), in ms; then the
   * call rejects with SRV_BROKER_UNAVAILABLE. Default 2000.
   */
  commandTimeoutMs?: number | undefined;
  /** How long one fan-out XREAD blocks before it checks in again, in ms. Default 2000. */
  fanoutBlockMs?: number | undefined;
  /** Source of time for timeouts and retry pauses. Default: the system clock. */
  clock?: Clock | undefined;
  /**
   * Problems no caller is waiting for: the connection dropped (once per outage), the fan-out
   * reader failed, a stored entry could not be read back and was skipped, a listener threw.
   * Default: ignored.
   */
  onError?: ((error: Error) => void) | undefined;
}

/** Default Redis of {@link createRedisBroker}. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const FANOUT_BATCH = 500;

interface Keys {
  epoch: string;
  events: string;
  revokedBefore: string;
  alerts(userId: string): string;
  idempotency(key: string): string;
  connects(userId: string): string;
}

function keysOf(prefix: string): Keys {
  return {
    epoch: `${prefix}epoch`,
    events: `${prefix}events`,
    revokedBefore: `${prefix}revoked-before`,
    alerts: (userId) => `${prefix}alerts:${userId}`,
    idempotency: (key) => `${prefix}idem:${key}`,
    connects: (userId) => `${prefix}connects:${userId}`,
  };
}

function readPositiveInt(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < 1) {
    throw new RangeError(`${name}: expected an integer >= 1, got ${chosen}`);
  }
  return chosen;
}

// Reconnect quickly at first, then every 2 s at most: readiness comes back soon after Redis does.
const retryStrategy = (attempt: number): number => Math.min(50 * 2 ** (attempt - 1), 2000);

type BrokerState = 'open' | 'closed';

/**
 * An alert's stored fields, exactly, in wire order (the scripts prepend type and seq); throws
 * BrokerError BAD_DATA for what history and fan-out could not read back, so it is never stored.
 */
function storableBody(input: AlertInput, publishedAt: string, id: string) {
  const body = {
    id,
    userId: input.userId,
    severity: input.severity,
    title: input.title,
    source: input.source,
    detectedAt: input.detectedAt,
    publishedAt,
  };
  const check = parseServerMessage(JSON.stringify({ type: 'breach_alert', seq: 1, ...body }));
  if (!check.ok) {
    throw new BrokerError(BrokerErrorCode.BAD_DATA, `publish: ${check.error.message}`);
  }
  return body;
}

/**
 * A broker backed by Redis, shared by every server instance pointing at the same Redis and
 * `keyPrefix`:
 *
 * - **History** lives in one stream per user (`<prefix>alerts:<userId>`), entry id `<seq>-0`,
 *   trimmed with `MAXLEN ~ historySize`; `history()` still reports exactly the newest
 *   `historySize` seqs, like the memory broker.
 * - **Seq** numbers are assigned by a Lua script that reads the stream's top id and appends the
 *   next one, so concurrent publishers on any number of instances never reuse or skip a seq.
 * - **Epoch** is `<prefix>epoch`, created with SET NX by whoever first finds it missing; every
 *   instance reads the same value. Each stored alert carries the epoch it was written in, so
 *   after a flush (or the epoch key alone vanishing) old entries are not served under the new
 *   epoch and seq starts again at 1.
 * - **Fan-out** appends every alert to `<prefix>events` inside the same script; each broker
 *   follows it with XREAD, so `subscribe()` sees alerts from every instance, each once, in seq
 *   order per user, and catches up after a reconnect.
 * - **Shared controls** (`broker.shared`): the per-user connect limit is a sorted set per user
 *   (`<prefix>connects:<userId>`) counted by a script, and the revocation cutoff
 *   (`<prefix>revoked-before`) is raised by a script that also appends it to the events stream,
 *   so every instance admits and revokes as one.
 *
 * Resolves once Redis answered and the fan-out reader is positioned: alerts published after
 * that reach its subscribers. Rejects with SRV_BROKER_UNAVAILABLE when Redis cannot be reached
 * within `commandTimeoutMs`. Afterwards, calls made while Redis is away reject with
 * SRV_BROKER_UNAVAILABLE instead of waiting (and `/readyz` answers 503); the connections
 * reconnect on their own. Keys never expire (but the connect windows): run Redis with `maxmemory-policy noeviction`
 * (memory is bounded by users × historySize plus `eventsBacklog`).
 */
export async function createRedisBroker(options: RedisBrokerOptions = {}): Promise<Broker> {
  const historySize = readPositiveInt('historySize', options.historySize, 1000);
  const eventsBacklog = readPositiveInt('eventsBacklog', options.eventsBacklog, 10_000);
  const commandTimeoutMs = readPositiveInt('commandTimeoutMs', options.commandTimeoutMs, 2000);
  const fanoutBlockMs = readPositiveInt('fanoutBlockMs', options.fanoutBlockMs, 2000);
  const keyPrefix = options.keyPrefix ?? 'stormwatch:';
  if (options.url !== undefined && options.client !== undefined) {
    throw new BrokerError(BrokerErrorCode.CONFIG, 'redis broker: pass url or client, not both');
  }
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? (() => {});
  const keys = keysOf(keyPrefix);

  const url = options.client === undefined ? parseRedisUrl(options.url ?? DEFAULT_REDIS_URL) : '';
  const where = options.client === undefined ? describeRedisUrl(url) : 'the given Redis client';
  const ownOptions = {
    lazyConnect: true,
    connectTimeout: commandTimeoutMs,
    retryStrategy,
    // Fail fast while disconnected: a publish queued during an outage would run after the
    // caller was told it failed, and be published twice when the caller retries.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // No reply for this long means the connection is dead (e.g. a silent partition): reconnect.
    socketTimeout: commandTimeoutMs * 2,
  } satisfies RedisOptions;
  const ownsCommands = options.client === undefined;
  const commands = options.client ?? new Redis(url, ownOptions);
  const reader = commands.duplicate({
    lazyConnect: true,
    connectTimeout: commandTimeoutMs,
    retryStrategy,
    // The reader waits out outages: its cursor makes a late XREAD lossless.
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    blockingTimeout: fanoutBlockMs,
    socketTimeout: fanoutBlockMs + commandTimeoutMs * 2,
  });

  let state: BrokerState = 'open';
  // Errors before the broker is handed out go into the rejection, not to onError.
  let started = false;
  // One report per outage and connection, not one per reconnect attempt.
  let lastConnectError: Error | undefined;
  const watch = (connection: Redis, name: string): void => {
    let healthy = true;
    connection.on('ready', () => (healthy = true));
    connection.on('error', (error: Error) => {
      lastConnectError = error;
      if (!healthy) return;
      healthy = false;
      if (state === 'open' && started) onError(toBrokerError(error, `${name} connection`));
    });
  };
  if (ownsCommands) watch(commands, 'command');
  watch(reader, 'fan-out');

  /** Runs `work` with a deadline; every failure becomes a BrokerError. */
  const call = <T>(doing: string, work: () => Promise<T>, unavailableNote = ''): Promise<T> => {
    if (state === 'closed') {
      return Promise.reject(
        new BrokerError(BrokerErrorCode.CLOSED, `${doing}: the broker is closed`),
      );
    }
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(toBrokerError(error, doing));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        reject(
          new BrokerError(
            BrokerErrorCode.UNAVAILABLE,
            `${doing}: Redis unavailable: no answer within ${commandTimeoutMs} ms${unavailableNote}`,
          ),
        );
      }, commandTimeoutMs);
      pending.then(
        (value) => {
          clock.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clock.clearTimeout(timer);
          const failure = toBrokerError(error, doing);
          reject(
            failure.code === BrokerErrorCode.UNAVAILABLE && unavailableNote !== ''
              ? new BrokerError(failure.code, `${failure.message}${unavailableNote}`, {
                  cause: error,
                })
              : failure,
          );
        },
      );
    });
  };

  const listeners = new Set<AlertListener>();
  const revokeListeners = new Set<(cutoffMs: number) => void>();
  const notifyRevoke = (cutoffMs: number): void => {
    for (const listener of revokeListeners) {
      try {
        listener(cutoffMs);
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  };
  let fanout: FanoutReader | undefined;
  try {
    await call(`connecting to ${where}`, async () => {
      if (commands.status === 'wait') await commands.connect();
      await reader.connect();
    });
    const top = await call('reading the events stream', () =>
      commands.xrevrange(keys.events, '+', '-', 'COUNT', 1),
    );
    fanout = new FanoutReader({
      connection: reader,
      key: keys.events,
      epochKey: keys.epoch,
      startAfter: top[0]?.[0] ?? '0-0',
      startEpoch: top[0] === undefined ? undefined : valueOf(top[0][1], 'epoch'),
      blockMs: fanoutBlockMs,
      batchSize: FANOUT_BATCH,
      retryDelayMs: fanoutBlockMs,
      clock,
      onError,
      onAlert: (alert, epoch) => {
        for (const listener of listeners) {
          try {
            listener(alert, epoch);
          } catch (error) {
            onError(error instanceof Error ? error : new Error(String(error)));
          }
        }
      },
      onRevoke: notifyRevoke,
    });
    started = true;
  } catch (error) {
    state = 'closed';
    reader.disconnect();
    if (ownsCommands) commands.disconnect();
    const cause = error instanceof BrokerError ? error : toBrokerError(error, `connecting`);
    // "Connection is closed." says less than the socket error that caused it.
    const detail = lastConnectError === undefined ? '' : ` (${lastConnectError.message})`;
    throw new BrokerError(cause.code, `${cause.message}${detail}`, { cause: error });
  }

  const readSlice = async (
    doing: string,
    userId: string,
    afterSeq: number,
    limit: number,
  ): Promise<HistorySlice> => {
    const reply = await call(doing, () =>
      readScript.run(
        commands,
        [keys.epoch, keys.alerts(userId)],
        [globalThis.crypto.randomUUID(), afterSeq, limit, historySize],
      ),
    );
    if (
      !Array.isArray(reply) ||
      typeof reply[0] !== 'string' ||
      !Number.isSafeInteger(reply[1]) ||
      !Number.isSafeInteger(reply[2])
    ) {
      throw new BrokerError(BrokerErrorCode.BAD_DATA, `${doing}: unexpected reply from Redis`);
    }
    const alerts: BreachAlertMessage[] = [];
    for (let i = 3; i + 1 < reply.length; i += 2) {
      const alert = readAlert(reply[i], reply[i + 1], userId);
      if (alert instanceof BrokerError) onError(alert);
      else alerts.push(alert);
    }
    return {
      epoch: reply[0],
      alerts,
      firstSeq: reply[2] as number,
      lastSeq: reply[1] as number,
    };
  };

  const shared = createRedisSharedControls({
    commands,
    call,
    keys,
    eventsBacklog,
    revokeListeners,
  });

  return {
    shared,

    async publish(input: AlertInput, publishedAt: string, id: string, idempotencyKey?: string) {
      const body = storableBody(input, publishedAt, id);
      // A command sent to a Redis that stopped answering (paused, partitioned) may still run
      // once it wakes, even after the connection was dropped: a failure is not "not stored".
      const reply = await call(
        'publish',
        () =>
          publishScript.run(
            commands,
            [
              keys.epoch,
              keys.alerts(input.userId),
              keys.events,
              keys.idempotency(idempotencyKey ?? ''),
            ],
            [
              globalThis.crypto.randomUUID(),
              historySize,
              JSON.stringify(body),
              eventsBacklog,
              idempotencyKey === undefined ? '' : IDEMPOTENCY_TTL_MS,
            ],
          ),
        ' (the alert may still be stored: retry with the same Idempotency-Key)',
      );
      if (Array.isArray(reply) && reply[1] === 0 && typeof reply[2] === 'string') {
        // The key published before: answer with that alert.
        const stored = parseServerMessage(reply[2]);
        if (stored.ok && stored.value.type === 'breach_alert') return stored.value;
        throw new BrokerError(
          BrokerErrorCode.BAD_DATA,
          `publish: the alert stored for idempotency key ${JSON.stringify(idempotencyKey)} cannot be read back`,
        );
      }
      const seq: unknown = Array.isArray(reply) ? reply[1] : undefined;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
        throw new BrokerError(BrokerErrorCode.BAD_DATA, 'publish: unexpected reply from Redis');
      }
      const alert: BreachAlertMessage = { type: 'breach_alert', seq, ...body };
      return alert;
    },

    async publishBatch(inputs, publishedAt, ids, idempotencyKey) {
      if (inputs.length === 0) return [];
      const bodies = inputs.map((input, i) => storableBody(input, publishedAt, ids[i]!));
      const reply = await call(
        'publish',
        () =>
          publishBatchScript.run(
            commands,
            [
              keys.epoch,
              keys.events,
              keys.idempotency(idempotencyKey === undefined ? '' : `batch:${idempotencyKey}`),
              ...bodies.map((body) => keys.alerts(body.userId)),
            ],
            [
              globalThis.crypto.randomUUID(),
              historySize,
              eventsBacklog,
              idempotencyKey === undefined ? '' : IDEMPOTENCY_TTL_MS,
              ...bodies.map((body) => JSON.stringify(body)),
            ],
          ),
        ' (the alerts may still be stored: retry with the same Idempotency-Key)',
      );
      if (Array.isArray(reply) && reply[1] === 0 && typeof reply[2] === 'string') {
        // The key published a batch before: answer with its alerts.
        let stored: unknown;
        try {
          stored = JSON.parse(reply[2]);
        } catch {
          stored = undefined;
        }
        const alerts = Array.isArray(stored)
          ? stored.map((item) => parseServerMessage(JSON.stringify(item)))
          : [];
        if (alerts.length > 0 && alerts.every((a) => a.ok && a.value.type === 'breach_alert')) {
          return alerts.map((a) => (a as { value: BreachAlertMessage }).value);
        }
        throw new BrokerError(
          BrokerErrorCode.BAD_DATA,
          `publish: the batch stored for idempotency key ${JSON.stringify(idempotencyKey)} cannot be read back`,
        );
      }
      const seqs: unknown[] = Array.isArray(reply) ? reply.slice(1) : [];
      if (
        seqs.length !== bodies.length ||
        !seqs.every((seq) => typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1)
      ) {
        throw new BrokerError(BrokerErrorCode.BAD_DATA, 'publish: unexpected reply from Redis');
      }
      return bodies.map((body, i) => ({ type: 'breach_alert', seq: seqs[i] as number, ...body }));
    },

    async history(userId: string, afterSeq: number, limit = historySize) {
      if (!Number.isSafeInteger(afterSeq)) {
        throw new RangeError(`afterSeq: expected an integer, got ${afterSeq}`);
      }
      if (!(limit >= 0)) throw new RangeError(`limit: expected a number >= 0, got ${limit}`);
      // No slice holds more than historySize alerts, so a larger limit changes nothing.
      const count = Math.min(Math.floor(limit), historySize);
      return readSlice('history', userId, Math.max(0, afterSeq), count);
    },

    async head(userId: string) {
      const { epoch, lastSeq } = await readSlice('head', userId, 0, 0);
      return { epoch, lastSeq };
    },

    subscribe(listener: AlertListener) {
      if (state === 'closed') return () => {};
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async close() {
      if (state === 'closed') return;
      state = 'closed';
      listeners.clear();
      revokeListeners.clear();
      await fanout?.stop();
      if (ownsCommands) await quit(commands, clock, commandTimeoutMs);
    },
  } satisfies Broker;
}

/** A stored entry as an alert, or the BrokerError saying why it cannot be one. */
function readAlert(id: unknown, json: unknown, userId: string): BreachAlertMessage | BrokerError {
  const seq = typeof id === 'string' ? Number(/^(\d+)-0$/.exec(id)?.[1]) : Number.NaN;
  const parsed = typeof json === 'string' ? parseServerMessage(json) : undefined;
  let why: string | undefined;
  if (parsed === undefined) why = 'no alert field';
  else if (!parsed.ok) why = parsed.error.message;
  else if (parsed.value.type !== 'breach_alert')
    why = `expected a breach_alert, got ${parsed.value.type}`;
  else if (parsed.value.seq !== seq)
    why = `seq ${parsed.value.seq} does not match entry ${String(id)}`;
  else if (parsed.value.userId !== userId)
    why = `userId ${parsed.value.userId} in the stream of ${userId}`;
  else return parsed.value;
  return new BrokerError(
    BrokerErrorCode.BAD_DATA,
    `history: skipped entry ${String(id)} of user ${userId}: ${why}`,
  );
}

/** QUIT when connected (pending replies arrive first), else drop the socket. */
async function quit(connection: Redis, clock: Clock, timeoutMs: number): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  try {
    await Promise.race([
      connection.quit(),
      new Promise((_resolve, reject) => {
        timer = clock.setTimeout(() => reject(new Error('QUIT timed out')), timeoutMs);
      }),
    ]);
  } catch {
    connection.disconnect();
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}
