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
  /** Ends the run's storage: the memory broker (Redis keys are the RunRedis's to delete). */
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

/**
 * Alerts in Redis Streams at `url` under `keyPrefix` (the run's {@link RunRedis} owns the Redis
 * and its keys: closing this leaves them).
 */
export function redisRunBroker(url: string, keyPrefix: string, historySize: number): RunBroker {
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
          `cannot use Redis at ${description} (config.topology.broker: redis; --redis URL): ${(error as Error).message}`,
        );
      }
    },
    release: (broker) => broker.close(),
    close: () => Promise.resolve(),
  };
}
