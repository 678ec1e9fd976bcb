import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeRedisUrl, parseRedisUrl } from '../../server/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import { ProxyFaults } from './proxy-faults.js';
import { RedisChild } from './redis-child.js';
import type { RedisAction } from './types.js';

/** Name of the proxy between the servers and Redis. */
export const REDIS_PROXY_NAME = 'stormwatch-redis';

/** Options of {@link RunRedis.start}. */
export interface RunRedisOptions {
  /** A Redis someone else runs (`--redis`); without it the run starts `redis-server`. */
  url?: string | undefined;
  /** The run's own Redis keeps an append-only file across its restarts. */
  persist?: boolean | undefined;
  /** Toxiproxy API the Redis link's proxy is created on. */
  toxiproxyUrl: string;
  /** `redis-server` binary (tests). */
  binary?: string | undefined;
}

/**
 * The Redis of a run with `broker: redis`: its own `redis-server` on a free port (or the one of
 * `--redis`), reached by the servers through a fault proxy (`fault.* target: redis`), under a
 * key prefix of the run's own. The run's own Redis can be paused, killed and started
 * (`redis.*` steps); a Redis given with `--redis` cannot, and keeps only the run's keys deleted.
 */
export class RunRedis {
  readonly keyPrefix = `stormwatch:run:${randomBytes(6).toString('hex')}:`;
  readonly faults: ProxyFaults;
  readonly #child: RedisChild | undefined;
  readonly #dir: string | undefined;
  /** The real Redis (for cleanup), not the proxy. */
  readonly #directUrl: string;

  private constructor(
    faults: ProxyFaults,
    child: RedisChild | undefined,
    dir: string | undefined,
    directUrl: string,
  ) {
    this.faults = faults;
    this.#child = child;
    this.#dir = dir;
    this.#directUrl = directUrl;
  }

  static async start(options: RunRedisOptions): Promise<RunRedis> {
    let child: RedisChild | undefined;
    let dir: string | undefined;
    let direct: string;
    if (options.url === undefined) {
      if (options.persist === true) dir = await mkdtemp(join(tmpdir(), 'stormwatch-redis-'));
      child = new RedisChild({ persist: options.persist, dir, binary: options.binary });
      try {
        await child.start();
      } catch (error) {
        if (dir !== undefined) await rm(dir, { recursive: true, force: true });
        throw error;
      }
      direct = child.url;
    } else {
      try {
        direct = parseRedisUrl(options.url);
      } catch (error) {
        throw new RunnerError(RunnerErrorCode.START_FAILED, `--redis: ${(error as Error).message}`);
      }
    }
    const target = new URL(direct);
    let faults: ProxyFaults;
    try {
      faults = await ProxyFaults.create(`${target.hostname}:${target.port || '6379'}`, {
        toxiproxyUrl: options.toxiproxyUrl,
        name: REDIS_PROXY_NAME,
      });
    } catch (error) {
      await child?.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return new RunRedis(faults, child, dir, direct);
  }

  /** The URL servers use: the proxy's address, with the real URL's credentials and db. */
  get url(): string {
    const proxied = new URL(this.#directUrl);
    const address = new URL(this.faults.clientUrl);
    proxied.hostname = address.hostname;
    proxied.port = address.port;
    return proxied.href;
  }

  /** Where, for messages: the real Redis without credentials. */
  get description(): string {
    return describeRedisUrl(this.#directUrl);
  }

  /** True when the run started this Redis, so `redis.*` steps may act on it. */
  get owned(): boolean {
    return this.#child !== undefined;
  }

  async control(action: RedisAction): Promise<void> {
    const child = this.#child;
    if (child === undefined) {
      throw new RunnerError(
        RunnerErrorCode.FAULT_FAILED,
        `redis.${action}: the run does not own ${this.description} (--redis); drop --redis to let it start its own`,
      );
    }
    if (action === 'pause') child.pause();
    else if (action === 'resume') child.resume();
    else if (action === 'kill') await child.kill();
    else await child.start();
  }

  /** Stops the run's own Redis, or deletes the run's keys from the one of `--redis`. */
  async close(): Promise<void> {
    await this.faults.close().catch(() => undefined);
    if (this.#child !== undefined) {
      await this.#child.close();
      if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true });
      return;
    }
    const admin = new Redis(this.#directUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    // A refused connection rejects connect() below; the event would only repeat it.
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${this.keyPrefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await admin.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch {
      // Redis went away: its keys go with it, or stay under a prefix no other run uses.
    } finally {
      admin.disconnect();
    }
  }
}
