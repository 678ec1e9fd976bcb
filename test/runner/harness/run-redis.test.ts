// The Redis of a run: its own redis-server behind a fault proxy (paused, killed, started by
// redis.* steps, gone with the run), or the one of --redis, from which only the run's keys go.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { pingRedis } from '../../../src/runner/harness/redis-child.js';
import { RunRedis } from '../../../src/runner/harness/run-redis.js';
import { createToxiproxyServer, type ToxiproxyServer } from '../../../src/proxy/index.js';
import { RunnerError } from '../../../src/runner/index.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxyApi(): Promise<string> {
  const server: ToxiproxyServer = createToxiproxyServer();
  cleanups.push(() => server.close());
  return (await server.listen({ host: '127.0.0.1', port: 0 })).url;
}

async function client(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  cleanups.push(async () => redis.disconnect());
  await redis.connect();
  return redis;
}

describe('RunRedis', () => {
  it('starts a redis-server of its own, reached through the proxy, and controls it', async () => {
    const redis = await RunRedis.start({ toxiproxyUrl: await proxyApi() });
    cleanups.push(() => redis.close());
    expect(redis.owned).toBe(true);
    expect(redis.keyPrefix).toMatch(/^stormwatch:run:[0-9a-f]{12}:$/);
    const direct = Number(new URL(redis.description).port);
    expect(Number(new URL(redis.url).port)).not.toBe(direct);

    const viaProxy = await client(redis.url);
    await viaProxy.set(`${redis.keyPrefix}k`, 'v');
    expect(await viaProxy.get(`${redis.keyPrefix}k`)).toBe('v');

    await redis.control('pause');
    expect(await pingRedis(direct, 300)).toBe(false);
    await redis.control('resume');
    expect(await pingRedis(direct, 2000)).toBe(true);

    // Killed and started without persistence: the data is gone, as for a cache-only Redis.
    await redis.control('kill');
    expect(await pingRedis(direct, 300)).toBe(false);
    await redis.control('start');
    expect(await pingRedis(direct, 2000)).toBe(true);
    const fresh = await client(redis.url);
    expect(await fresh.get(`${redis.keyPrefix}k`)).toBeNull();

    await redis.close();
    expect(await pingRedis(direct, 300)).toBe(false);
  });

  it('keeps its data across a restart when asked to persist', async () => {
    const redis = await RunRedis.start({ toxiproxyUrl: await proxyApi(), persist: true });
    cleanups.push(() => redis.close());
    const first = await client(redis.url);
    await first.set(`${redis.keyPrefix}k`, 'kept');
    await redis.control('kill');
    await redis.control('start');
    const second = await client(redis.url);
    expect(await second.get(`${redis.keyPrefix}k`)).toBe('kept');
  });

  it("uses the Redis of --redis, refuses to act on it, and deletes only the run's keys", async () => {
    const redis = await RunRedis.start({
      toxiproxyUrl: await proxyApi(),
      url: 'redis://127.0.0.1:6379',
    });
    cleanups.push(() => redis.close());
    expect(redis.owned).toBe(false);
    await expect(redis.control('pause')).rejects.toThrow(RunnerError);
    await expect(redis.control('pause')).rejects.toThrow(/does not own .*--redis/);
    const admin = await client('redis://127.0.0.1:6379');
    const other = `test:run-redis:${Date.now()}`;
    await admin.set(other, 'stays');
    const viaProxy = await client(redis.url);
    await viaProxy.set(`${redis.keyPrefix}a`, '1');
    await viaProxy.set(`${redis.keyPrefix}b`, '2');
    await redis.close();
    expect(await admin.keys(`${redis.keyPrefix}*`)).toEqual([]);
    expect(await admin.get(other)).toBe('stays');
    await admin.del(other);
  });

  it('says what is missing when redis-server cannot be started', async () => {
    await expect(
      RunRedis.start({ toxiproxyUrl: await proxyApi(), binary: 'no-such-redis-server' }),
    ).rejects.toThrow(
      /cannot start no-such-redis-server .*install Debian's redis-server package or pass --redis URL/,
    );
  });
});
