import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertInput, BreachAlertMessage } from '../../../src/protocol/index.js';
import type { Broker } from '../../../src/server/broker/broker.js';
import { BrokerError, BrokerErrorCode } from '../../../src/server/broker/errors.js';
import { createMemoryBroker } from '../../../src/server/broker/memory.js';
import { createRedisBroker, type RedisBrokerOptions } from '../../../src/server/broker/redis.js';
import { parseRedisUrl } from '../../../src/server/broker/redis-url.js';
import { startServer } from '../../helpers/server.js';

const REDIS_PORT = 6379;
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
const AT = '2026-01-01T00:00:00.000Z';

const input = (userId: string, title = 'x'): AlertInput => ({
  userId,
  severity: 'MEDIUM',
  title,
  source: 'unit',
  detectedAt: AT,
});

let admin: Redis;
let prefix: string;
const brokers: Broker[] = [];
const cleanups: Array<() => Promise<void>> = [];

/** A broker on this test's key prefix, closed after the test. */
async function open(options: RedisBrokerOptions = {}): Promise<Broker> {
  const broker = await createRedisBroker({
    url: REDIS_URL,
    keyPrefix: prefix,
    fanoutBlockMs: 200,
    ...options,
  });
  brokers.push(broker);
  return broker;
}

/** Deletes every key under `keyPrefix` (what FLUSHDB would do to this test's data). */
async function deleteKeys(keyPrefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
}

/** Records what a broker's subscribers receive. */
function collect(broker: Broker) {
  const seen: BreachAlertMessage[] = [];
  const off = broker.subscribe((alert) => seen.push(alert));
  return {
    seen,
    off,
    /** Waits until `count` alerts arrived. */
    until: (count: number) =>
      vi.waitFor(
        () => {
          if (seen.length < count) throw new Error(`received ${seen.length} of ${count}`);
        },
        { timeout: 5000, interval: 10 },
      ),
  };
}

/** Publishes a marker alert and waits for it: the events stream is ordered, so nothing published
 * before it can still arrive afterwards. Returns what was seen before the marker. */
async function drain(publisher: Broker, ...subscribers: ReturnType<typeof collect>[]) {
  const marker = await publisher.publish(input('marker'), AT, `marker-${randomUUID()}`);
  await Promise.all(
    subscribers.map((s) =>
      vi.waitFor(
        () => {
          if (!s.seen.some((a) => a.id === marker.id)) throw new Error('marker not seen');
        },
        { timeout: 5000, interval: 10 },
      ),
    ),
  );
  return subscribers.map((s) => s.seen.filter((a) => a.userId !== 'marker'));
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP forwarder to the real Redis that can be stopped (Redis "down") and started again. */
interface Forwarder {
  url: string;
  /** Client connections currently forwarded. */
  readonly connections: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function startForwarder(): Promise<Forwarder> {
  const clients = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    const next = createServer((client) => {
      const upstream = connect(REDIS_PORT, '127.0.0.1');
      clients.add(client);
      const drop = () => {
        clients.delete(client);
        client.destroy();
        upstream.destroy();
      };
      for (const socket of [client, upstream]) {
        socket.on('error', drop);
        socket.on('close', drop);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    if (current === undefined) return;
    for (const client of clients) client.destroy();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await listen();
  cleanups.push(stop);
  return {
    url: `redis://127.0.0.1:${port}`,
    get connections() {
      return clients.size;
    },
    stop,
    start: listen,
  };
}

beforeAll(async () => {
  admin = new Redis(REDIS_URL);
  await admin.ping();
});

afterAll(async () => {
  await admin.quit();
});

// A unique prefix per test: tests share this Redis (and run beside other files).
beforeEach(() => {
  prefix = `test:redis-broker:${randomUUID()}:`;
});

afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await deleteKeys(prefix);
});

describe('redis broker: history and seq', () => {
  it('assigns gap-free seq per user and keeps exactly historySize alerts', async () => {
    const broker = await open({ historySize: 3 });
    const published: BreachAlertMessage[] = [];
    for (let i = 0; i < 5; i++) published.push(await broker.publish(input('a'), AT, `a${i}`));
    await broker.publish(input('b'), AT, 'b0');
    expect(published.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    const a = await broker.history('a', 0);
    expect(a.alerts).toEqual(published.slice(2));
    expect(a).toMatchObject({ firstSeq: 3, lastSeq: 5 });
    expect((await broker.history('a', 4)).alerts.map((x) => x.seq)).toEqual([5]);
    expect((await broker.history('a', 5)).alerts).toEqual([]);
    expect((await broker.history('a', 0, 2)).alerts.map((x) => x.seq)).toEqual([3, 4]);
    expect((await broker.history('b', 0)).alerts.map((x) => x.seq)).toEqual([1]);
    expect(await broker.history('nobody', 0)).toEqual({
      epoch: a.epoch,
      alerts: [],
      firstSeq: 1,
      lastSeq: 0,
    });
    expect(await broker.head('a')).toEqual({ epoch: a.epoch, lastSeq: 5 });
  });

  it('returns the same alert it stored, as the wire message with the seq in it', async () => {
    const broker = await open();
    const alert = await broker.publish(
      {
        userId: 'u:1 "quoted"',
        severity: 'CRITICAL',
        title: 'ünïcode ✓',
        source: 's',
        detectedAt: AT,
      },
      '2026-01-02T03:04:05.678Z',
      'id-1',
    );
    expect(alert).toEqual({
      type: 'breach_alert',
      seq: 1,
      id: 'id-1',
      userId: 'u:1 "quoted"',
      severity: 'CRITICAL',
      title: 'ünïcode ✓',
      source: 's',
      detectedAt: AT,
      publishedAt: '2026-01-02T03:04:05.678Z',
    });
    expect((await broker.history('u:1 "quoted"', 0)).alerts).toEqual([alert]);
    const [[, fields]] = (await admin.xrange(`${prefix}alerts:u:1 "quoted"`, '-', '+')) as [
      [string, string[]],
    ];
    expect(JSON.parse(fields[fields.indexOf('alert') + 1]!)).toEqual(alert);
  });

  it('answers every history query as the memory broker does', async () => {
    const redis = await open({ historySize: 5 });
    const memory = createMemoryBroker({ historySize: 5 });
    for (let i = 0; i < 12; i++) {
      const user = i % 4 === 3 ? 'b' : 'a';
      const [r, m] = await Promise.all([
        redis.publish(input(user, `t${i}`), AT, `id${i}`),
        memory.publish(input(user, `t${i}`), AT, `id${i}`),
      ]);
      expect(r).toEqual(m);
    }
    for (const user of ['a', 'b', 'c']) {
      for (let after = 0; after <= 11; after++) {
        for (const limit of [undefined, 0, 1, 3, 100]) {
          const [r, m] = await Promise.all([
            redis.history(user, after, limit),
            memory.history(user, after, limit),
          ]);
          expect({ ...r, epoch: '' }).toEqual({ ...m, epoch: '' });
        }
      }
    }
    await memory.close();
  });

  it('trims the stream approximately but reports exactly the newest historySize seqs', async () => {
    const broker = await open({ historySize: 100 });
    for (let i = 0; i < 350; i++) await broker.publish(input('a'), AT, `a${i}`);
    const slice = await broker.history('a', 0);
    expect(slice).toMatchObject({ firstSeq: 251, lastSeq: 350 });
    expect(slice.alerts.map((a) => a.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 251 + i));
    // A resume from inside the trimmed-but-still-stored tail starts at firstSeq too.
    expect((await broker.history('a', 200, 1)).alerts.map((a) => a.seq)).toEqual([251]);
    const held = await admin.xlen(`${prefix}alerts:a`);
    expect(held).toBeGreaterThanOrEqual(100);
    expect(held).toBeLessThan(350);
  });

  it('never reuses or skips a seq when two instances publish for one user at once', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? a : b).publish(input('shared'), AT, `id${i}`),
      ),
    );
    const seqs = results.map((r) => r.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const slice = await b.history('shared', 0);
    expect(slice.alerts.map((x) => x.seq)).toEqual(seqs);
    // Each stored alert is the one its publisher was told about.
    const byId = new Map(results.map((r) => [r.id, r]));
    for (const stored of slice.alerts) expect(stored).toEqual(byId.get(stored.id));
    expect(await a.head('shared')).toEqual({ epoch: slice.epoch, lastSeq: 200 });
  });

  it('validates its arguments and never stores an alert it could not read back', async () => {
    const broker = await open();
    await expect(broker.history('a', 1.5)).rejects.toThrow(/afterSeq: expected an integer/);
    await expect(broker.history('a', 0, -1)).rejects.toThrow(/limit: expected a number >= 0/);
    await expect(
      broker.publish({ ...input('a'), detectedAt: 'yesterday' }, AT, 'bad'),
    ).rejects.toMatchObject({ code: BrokerErrorCode.BAD_DATA, statusCode: 500 });
    expect(await broker.head('a')).toMatchObject({ lastSeq: 0 });
    await expect(createRedisBroker({ historySize: 0 })).rejects.toThrow(
      /historySize: expected an integer >= 1, got 0/,
    );
    await expect(createRedisBroker({ url: REDIS_URL, client: admin })).rejects.toMatchObject({
      code: BrokerErrorCode.CONFIG,
    });
    await expect(createRedisBroker({ url: 'http://127.0.0.1:6379' })).rejects.toMatchObject({
      code: BrokerErrorCode.CONFIG,
    });
  });

  it('skips a corrupt stored entry, reports it, and keeps counting after it', async () => {
    const errors: Error[] = [];
    const broker = await open({ onError: (e) => errors.push(e) });
    await broker.publish(input('a'), AT, 'one');
    const { epoch } = await broker.head('a');
    await admin.xadd(`${prefix}alerts:a`, '2-0', 'epoch', epoch, 'alert', '{not json');
    const third = await broker.publish(input('a'), AT, 'three');
    expect(third.seq).toBe(3);
    const slice = await broker.history('a', 0);
    expect(slice.alerts.map((a) => a.id)).toEqual(['one', 'three']);
    expect(slice).toMatchObject({ firstSeq: 1, lastSeq: 3 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: BrokerErrorCode.BAD_DATA });
    expect(errors[0]!.message).toMatch(/skipped entry 2-0 of user a/);
  });
});

describe('redis broker: epoch', () => {
  it('is shared by every instance on the same Redis and stored under <prefix>epoch', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const [ha, hb] = await Promise.all([a.head('u'), b.head('u')]);
    expect(ha.epoch).toBe(hb.epoch);
    expect(await admin.get(`${prefix}epoch`)).toBe(ha.epoch);
    await a.publish(input('u'), AT, '1');
    expect(await b.head('u')).toEqual({ epoch: ha.epoch, lastSeq: 1 });
  });

  it('changes when Redis is flushed, and seq starts again at 1 on every instance', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    for (let i = 0; i < 3; i++) await a.publish(input('u'), AT, `old${i}`);
    const before = await a.head('u');
    await deleteKeys(prefix);
    const after = await b.head('u');
    expect(after.epoch).not.toBe(before.epoch);
    expect(after.lastSeq).toBe(0);
    expect(await a.head('u')).toEqual(after);
    const alert = await a.publish(input('u'), AT, 'new');
    expect(alert.seq).toBe(1);
    expect(await b.history('u', 0)).toEqual({
      epoch: after.epoch,
      alerts: [alert],
      firstSeq: 1,
      lastSeq: 1,
    });
  });

  it('does not serve old history under a new epoch when only the epoch key was lost', async () => {
    const broker = await open();
    for (let i = 0; i < 3; i++) await broker.publish(input('u'), AT, `old${i}`);
    const before = await broker.head('u');
    await admin.del(`${prefix}epoch`);
    const after = await broker.history('u', 0);
    expect(after.epoch).not.toBe(before.epoch);
    // The surviving stream belongs to the lost epoch: empty now, and replaced on the next publish.
    expect(after).toMatchObject({ alerts: [], firstSeq: 1, lastSeq: 0 });
    const alert = await broker.publish(input('u'), AT, 'new');
    expect(alert.seq).toBe(1);
    expect((await broker.history('u', 0)).alerts).toEqual([alert]);
    expect(await admin.xlen(`${prefix}alerts:u`)).toBe(1);
  });
});

describe('redis broker: fan-out across instances', () => {
  it('delivers every alert to the subscribers of every instance exactly once, in seq order', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const onA = collect(a);
    const onB = collect(b);
    const onB2 = collect(b);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 3 === 0 ? b : a).publish(input(i % 2 === 0 ? 'u1' : 'u2'), AT, `id${i}`),
      ),
    );
    const [seenA, seenB, seenB2] = await drain(a, onA, onB, onB2);
    for (const seen of [seenA!, seenB!, seenB2!]) {
      expect(seen).toHaveLength(60);
      for (const user of ['u1', 'u2']) {
        expect(seen.filter((x) => x.userId === user).map((x) => x.seq)).toEqual(
          Array.from({ length: 30 }, (_, i) => i + 1),
        );
      }
    }
    expect(seenA).toEqual(seenB);
  });

  it('stops calling a listener once it unsubscribed', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const kept = collect(b);
    const dropped = collect(b);
    await a.publish(input('u'), AT, '1');
    await kept.until(1);
    await dropped.until(1);
    dropped.off();
    await a.publish(input('u'), AT, '2');
    await drain(a, kept);
    expect(kept.seen.filter((x) => x.userId === 'u').map((x) => x.seq)).toEqual([1, 2]);
    expect(dropped.seen.map((x) => x.seq)).toEqual([1]);
  });

  it('keeps delivering after Redis was flushed, without loss or duplicates', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const onB = collect(b);
    const expected: BreachAlertMessage[] = [];
    // Several rounds: a publish right after the flush often lands in the millisecond of the last
    // event, so the new events stream's ids do not sort above the reader's cursor.
    for (let round = 0; round < 5; round++) {
      expected.push(await a.publish(input('u'), AT, `before-${round}`));
      await deleteKeys(prefix);
      const after = await a.publish(input('u'), AT, `after-${round}`);
      expect(after.seq).toBe(1);
      expected.push(after);
      await onB.until(expected.length);
    }
    const [seen] = await drain(a, onB);
    expect(seen).toEqual(expected);
  });

  it('keeps delivering without duplicates when only the epoch key was lost', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const onB = collect(b);
    const first = [await a.publish(input('u'), AT, '1'), await a.publish(input('v'), AT, '2')];
    await onB.until(2);
    await admin.del(`${prefix}epoch`);
    const next = await a.publish(input('u'), AT, '3');
    expect(next.seq).toBe(1);
    const [seen] = await drain(a, onB);
    expect(seen).toEqual([...first, next]);
  });

  it('reports a corrupt events entry and keeps delivering', async () => {
    const errors: Error[] = [];
    const broker = await open({ onError: (e) => errors.push(e) });
    const seen = collect(broker);
    await admin.xadd(`${prefix}events`, '*', 'alert', '{"type":"breach_alert"}');
    const alert = await broker.publish(input('u'), AT, 'good');
    await seen.until(1);
    expect(seen.seen).toEqual([alert]);
    expect(errors.map((e) => (e as BrokerError).code)).toEqual([BrokerErrorCode.BAD_DATA]);
  });

  it('survives a listener that throws', async () => {
    const errors: Error[] = [];
    const broker = await open({ onError: (e) => errors.push(e) });
    broker.subscribe(() => {
      throw new Error('listener bug');
    });
    const seen = collect(broker);
    await broker.publish(input('u'), AT, '1');
    await broker.publish(input('u'), AT, '2');
    await seen.until(2);
    expect(errors.map((e) => e.message)).toEqual(['listener bug', 'listener bug']);
  });
});

describe('redis broker: Redis away', () => {
  it('refuses to start against a closed port with SRV_BROKER_UNAVAILABLE, quickly', async () => {
    const port = await closedPort();
    const started = performance.now();
    const error = await createRedisBroker({
      url: `redis://127.0.0.1:${port}`,
      commandTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect(error).toMatchObject({ code: BrokerErrorCode.UNAVAILABLE, statusCode: 503 });
    expect((error as Error).message).toMatch(
      new RegExp(`connecting to redis://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`),
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('never puts the password in an error message', async () => {
    const port = await closedPort();
    const error = (await createRedisBroker({
      url: `redis://user:hunter2@127.0.0.1:${port}/1`,
      commandTimeoutMs: 300,
    }).then(
      () => new Error('expected a rejection'),
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain(`redis://user:***@127.0.0.1:${port}/1`);
    expect(error.message).not.toContain('hunter2');
  });

  it('rejects while Redis is down, recovers when it is back, and the fan-out loses nothing', async () => {
    const forwarder = await startForwarder();
    const errors: Error[] = [];
    const viaForwarder = await open({
      url: forwarder.url,
      commandTimeoutMs: 500,
      onError: (e) => errors.push(e),
    });
    const direct = await open();
    const seen = collect(viaForwarder);
    expect((await viaForwarder.publish(input('u'), AT, 'first')).seq).toBe(1);
    await seen.until(1);

    await forwarder.stop();
    const started = performance.now();
    const outcomes = await Promise.allSettled([
      viaForwarder.publish(input('u'), AT, 'lost'),
      viaForwarder.history('u', 0),
      viaForwarder.head('u'),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        code: BrokerErrorCode.UNAVAILABLE,
        statusCode: 503,
      });
    }
    expect(performance.now() - started).toBeLessThan(2000);
    // Published elsewhere during the outage: must reach this instance's subscribers later.
    const during = await direct.publish(input('u'), AT, 'during');
    expect(during.seq).toBe(2);

    await forwarder.start();
    await vi.waitFor(() => viaForwarder.head('u'), { timeout: 10_000, interval: 50 });
    expect((await viaForwarder.publish(input('u'), AT, 'after')).seq).toBe(3);
    await seen.until(3);
    expect(seen.seen.map((a) => a.id)).toEqual(['first', 'during', 'after']);
    // One report per connection and outage, not one per reconnect attempt.
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(2);
    expect(errors.every((e) => (e as BrokerError).code === BrokerErrorCode.UNAVAILABLE)).toBe(true);
  });

  it('makes /readyz answer 503 and publishing 503 while Redis is down', async () => {
    const forwarder = await startForwarder();
    const broker = await open({ url: forwarder.url, commandTimeoutMs: 500 });
    const server = await startServer({ broker });
    cleanups.push(() => server.close());
    expect((await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await forwarder.stop();
    const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'broker_unavailable' });
    await expect(server.publish('u')).rejects.toThrow(/publish failed: 503/);
    await forwarder.start();
    await vi.waitFor(
      async () => {
        const res = await server.app.inject({ method: 'GET', url: '/readyz' });
        if (res.statusCode !== 200) throw new Error(`readyz ${res.statusCode}`);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect((await server.publish('u')).seq).toBe(1);
  });
});

describe('redis broker: lifecycle', () => {
  it('close() quits its own connections and the broker rejects use afterwards', async () => {
    const forwarder = await startForwarder();
    const broker = await open({ url: forwarder.url });
    // One command connection and one fan-out reader.
    expect(forwarder.connections).toBe(2);
    await broker.close();
    await vi.waitFor(() => expect(forwarder.connections).toBe(0), { timeout: 2000 });
    await expect(broker.publish(input('u'), AT, 'x')).rejects.toMatchObject({
      code: BrokerErrorCode.CLOSED,
    });
    await expect(broker.head('u')).rejects.toMatchObject({ code: BrokerErrorCode.CLOSED });
    await broker.close(); // idempotent
  });

  it('leaves a client the caller passed in open', async () => {
    const client = new Redis(REDIS_URL);
    cleanups.push(async () => {
      await client.quit();
    });
    const broker = await open({ url: undefined, client });
    const seen = collect(broker);
    await broker.publish(input('u'), AT, '1');
    await seen.until(1);
    await broker.close();
    expect(await client.ping()).toBe('PONG');
  });
});

describe('parseRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://cache:6380/2', 'redis://cache:6380/2'],
    ['rediss://user:pw@cache', 'rediss://user:pw@cache'],
  ])('accepts %s', (raw, normalised) => {
    expect(parseRedisUrl(raw)).toBe(normalised);
  });

  it.each([
    ['memory', /not a URL/],
    ['http://127.0.0.1:6379', /scheme http is not redis or rediss/],
    ['redis://127.0.0.1:6379/16', /database must be 0\.\.15/],
    ['redis://127.0.0.1:6379/x', /database must be 0\.\.15/],
    ['redis://127.0.0.1:6379?db=1', /query and fragment/],
  ])('rejects %s', (raw, why) => {
    expect(() => parseRedisUrl(raw)).toThrow(why);
    expect(() => parseRedisUrl(raw)).toThrow(/^expected redis:\/\/host:port\[\/db\], got /);
  });
});
