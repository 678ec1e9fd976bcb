import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createMemoryBroker,
  createRedisBroker,
  describeRedisUrl,
  type Broker,
} from '../../server/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';

/**
 * Where a run's in-process server keeps alerts. A memory broker outlives server restarts (one
 * object); a Redis broker is opened anew by every start, as a restarted process would, under a
 * key prefix of this run's own, and the run deletes its keys when it ends.
 */
export interface RunBroker {
  /** A broker for a (re)starting server. */
  open(): Promise<Broker>;
  /** Releases what a stopped server used (a Redis connection). */
  release(broker: Broker): Promise<void>;
  /** Ends the run's storage: the memory broker, or every key under the run's Redis prefix. */
  close(): Promise<void>;
  /** Where, for messages: `memory` or the Redis URL without credentials. */
  readonly description: string;
  /** The run's own Redis key prefix (`stormwatch:run:<random>:`); undefined in memory. */
  readonly keyPrefix: string | undefined;
}

/** Alerts in this process, kept across server restarts. */
export function memoryRunBroker(historySize: number): RunBroker {
  const broker = createMemoryBroker({ historySize });
  return {
    description: 'memory',
    keyPrefix: undefined,
    open: () => Promise.resolve(broker),
    release: () => Promise.resolve(),
    close: () => broker.close(),
  };
}

/** Alerts in Redis Streams at `url`, under `stormwatch:run:<random>:`. */
export function redisRunBroker(url: string, historySize: number): RunBroker {
  const keyPrefix = `stormwatch:run:${randomBytes(6).toString('hex')}:`;
  const description = describeRedisUrl(url);
  return {
    description,
    keyPrefix,
    async open() {
      let broker: Broker | undefined;
      try {
        broker = await createRedisBroker({ url, keyPrefix, historySize });
        // Fail the start with a clear line rather than the first publish.
        await broker.head('stormwatch-probe');
        return broker;
      } catch (error) {
        await broker?.close();
        throw new RunnerError(
          RunnerErrorCode.START_FAILED,
          `cannot use Redis at ${description} (config.server.broker: redis; --redis URL): ${(error as Error).message}`,
        );
      }
    },
    release: (broker) => broker.close(),
    async close() {
      const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      // A refused connection rejects connect() below; the event would only repeat it.
      admin.on('error', () => undefined);
      try {
        await admin.connect();
        let cursor = '0';
        do {
          const [next, keys] = await admin.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await admin.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } catch {
        // Redis went away: its keys go with it, or stay under a prefix no other run uses.
      } finally {
        admin.disconnect();
      }
    },
  };
}
