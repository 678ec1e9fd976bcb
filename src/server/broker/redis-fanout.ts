import type { Redis } from 'ioredis';
import {
  parseServerMessage,
  type BreachAlertMessage,
  type Clock,
  type TimerHandle,
} from '../../protocol/index.js';
import { BrokerError, BrokerErrorCode, toBrokerError } from './errors.js';

/** Options of {@link FanoutReader}. */
export interface FanoutReaderOptions {
  /** A connection of its own (XREAD BLOCK holds it); the reader disconnects it on stop. */
  connection: Redis;
  /** The events stream every instance appends to. */
  key: string;
  /** The key holding the current epoch. */
  epochKey: string;
  /** Stream id to read after: entries up to it are not delivered. */
  startAfter: string;
  /** Epoch of the entry at `startAfter`; undefined when the stream was empty. */
  startEpoch: string | undefined;
  /** How long one XREAD blocks, in ms. */
  blockMs: number;
  /** Entries read per XREAD. */
  batchSize: number;
  /** Pause after a failed XREAD, in ms. */
  retryDelayMs: number;
  clock: Clock;
  onAlert(alert: BreachAlertMessage, epoch: string): void;
  /** An instance raised the shared revocation cutoff (an events entry with a `revoke` field). */
  onRevoke(cutoffMs: number): void;
  onError(error: BrokerError): void;
}

type ReaderState = 'running' | 'stopped';

/**
 * Follows the shared events stream with XREAD BLOCK from a cursor, so every alert any
 * instance publishes reaches this instance exactly once and in stream order (which is seq order
 * per user: the publish script appends to it atomically). Unlike pub/sub, a reconnect loses
 * nothing: the next XREAD continues after the last id delivered, as long as the stream still
 * holds it (its length is capped by the broker's `eventsBacklog`).
 *
 * A flush recreates the events stream, and its new ids may sort at or below the cursor (same
 * millisecond, or a Redis clock that went back) — XREAD would never return them. Every entry
 * carries the epoch it was published in, so the reader notices the new epoch (in a read, or on
 * an idle read by looking at the newest entry), confirms it against the epoch key, and reads the
 * stream again from the start, delivering only entries of the current epoch.
 */
export class FanoutReader {
  readonly #options: FanoutReaderOptions;
  #state: ReaderState = 'running';
  #cursor: string;
  #epoch: string | undefined;
  #pause: { timer: TimerHandle; wake: () => void } | undefined;
  readonly #done: Promise<void>;

  constructor(options: FanoutReaderOptions) {
    this.#options = options;
    this.#cursor = options.startAfter;
    this.#epoch = options.startEpoch;
    this.#done = this.#run();
  }

  /** Stops reading and disconnects the connection; resolves once the loop has ended. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return this.#done;
    this.#state = 'stopped';
    if (this.#pause !== undefined) {
      this.#options.clock.clearTimeout(this.#pause.timer);
      this.#pause.wake();
    }
    // Not QUIT: it would queue behind the blocked XREAD. The pending XREAD rejects at once.
    this.#options.connection.disconnect();
    return this.#done;
  }

  async #run(): Promise<void> {
    const { connection, key, blockMs, batchSize } = this.#options;
    while (this.#state === 'running') {
      let reply: unknown;
      try {
        reply = await connection.xread(
          'COUNT',
          batchSize,
          'BLOCK',
          blockMs,
          'STREAMS',
          key,
          this.#cursor,
        );
      } catch (error) {
        if (this.#state !== 'running') return;
        this.#options.onError(toBrokerError(error, 'fan-out'));
        await this.#sleep(this.#options.retryDelayMs);
        continue;
      }
      if (this.#state !== 'running') return;
      const entries = entriesOf(reply);
      if (entries.length === 0) await this.#checkEpochWhenIdle();
      for (const [id, fields] of entries) {
        const epoch = valueOf(fields, 'epoch');
        this.#epoch ??= epoch;
        if (epoch !== undefined && epoch !== this.#epoch) {
          const verdict = await this.#judgeEpoch(epoch);
          if (this.#state !== 'running') return;
          if (verdict === 'unknown') break; // Read this entry again on the next pass.
          if (verdict === 'switched') break; // Read again from the start of the stream.
          this.#cursor = id; // An entry of a lost epoch met while re-reading: skip it.
          continue;
        }
        this.#cursor = id;
        this.#deliver(id, fields);
      }
    }
  }

  /** Switches to `epoch` when it is the current one; the cursor then starts over. */
  async #judgeEpoch(epoch: string): Promise<'switched' | 'stale' | 'unknown'> {
    let current: string | null;
    try {
      current = await this.#options.connection.get(this.#options.epochKey);
    } catch {
      return 'unknown';
    }
    if (current !== epoch) return 'stale';
    this.#epoch = epoch;
    this.#cursor = '0-0';
    return 'switched';
  }

  /** On an idle read: does the newest entry belong to a newer epoch than the cursor's? */
  async #checkEpochWhenIdle(): Promise<void> {
    if (this.#epoch === undefined) return;
    let reply: unknown;
    try {
      reply = await this.#options.connection.xrevrange(this.#options.key, '+', '-', 'COUNT', 1);
    } catch {
      return; // The next XREAD reports the failure.
    }
    const top = entriesOf([[this.#options.key, reply]])[0];
    const epoch = top === undefined ? undefined : valueOf(top[1], 'epoch');
    if (epoch !== undefined && epoch !== this.#epoch) await this.#judgeEpoch(epoch);
  }

  #deliver(id: string, fields: unknown[]): void {
    const revoke = valueOf(fields, 'revoke');
    if (revoke !== undefined) {
      const cutoffMs = Number(revoke);
      if (Number.isSafeInteger(cutoffMs)) this.#options.onRevoke(cutoffMs);
      else {
        this.#options.onError(
          new BrokerError(
            BrokerErrorCode.BAD_DATA,
            `fan-out: skipped events entry ${id}: revoke ${JSON.stringify(revoke.slice(0, 40))} is not an integer`,
          ),
        );
      }
      return;
    }
    const json = valueOf(fields, 'alert');
    const parsed = json === undefined ? undefined : parseServerMessage(json);
    if (parsed?.ok !== true || parsed.value.type !== 'breach_alert') {
      const why =
        parsed === undefined ? 'no alert field' : parsed.ok ? 'not an alert' : parsed.error.message;
      this.#options.onError(
        new BrokerError(BrokerErrorCode.BAD_DATA, `fan-out: skipped events entry ${id}: ${why}`),
      );
      return;
    }
    this.#options.onAlert(parsed.value, valueOf(fields, 'epoch') ?? this.#epoch ?? '');
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#pause = undefined;
        resolve();
      };
      this.#pause = { timer: this.#options.clock.setTimeout(wake, ms), wake };
    });
  }
}

/** The entries of an XREAD reply for one stream: `[[key, [[id, fields], ...]]]` or null. */
function entriesOf(reply: unknown): Array<[string, unknown[]]> {
  if (!Array.isArray(reply)) return [];
  const stream: unknown = reply[0];
  if (!Array.isArray(stream) || !Array.isArray(stream[1])) return [];
  const out: Array<[string, unknown[]]> = [];
  for (const entry of stream[1] as unknown[]) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1])) {
      out.push([entry[0], entry[1] as unknown[]]);
    }
  }
  return out;
}

/** The value of `name` in a stream entry's flat `[field, value, ...]` list. */
export function valueOf(fields: unknown[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value: unknown = fields[i + 1];
    if (fields[i] === name && typeof value === 'string') return value;
  }
  return undefined;
}
