// publishBatch on both brokers: one step for many users, seqs continuing each user's stream,
// idempotent repeats, fan-out of every alert; on Redis one script for the whole batch.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertInput, BreachAlertMessage } from '../../../src/protocol/index.js';
import type { Broker } from '../../../src/server/broker/broker.js';
import { createMemoryBroker } from '../../../src/server/broker/memory.js';
import { createRedisBroker } from '../../../src/server/broker/redis.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const AT = '2026-01-01T00:00:00.000Z';
const input = (userId: string): AlertInput => ({
  userId,
  severity: 'HIGH',
  title: 'Credentials exposed',
  source: 'unit',
  detectedAt: AT,
});

let admin: Redis;
const prefixes: string[] = [];
const brokers: Broker[] = [];

beforeAll(async () => {
  admin = new Redis(REDIS_URL);
  await admin.ping();
});
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  await admin.quit();
});
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
});

async function redisPair(): Promise<[Broker, Broker]> {
  const keyPrefix = `test:batch:${randomUUID()}:`;
  prefixes.push(keyPrefix);
  const a = await createRedisBroker({ url: REDIS_URL, keyPrefix, fanoutBlockMs: 200 });
  const b = await createRedisBroker({ url: REDIS_URL, keyPrefix, fanoutBlockMs: 200 });
  brokers.push(a, b);
  return [a, b];
}

const kinds: Array<[string, () => Promise<[Broker, Broker]>]> = [
  [
    'memory',
    () => {
      const broker = createMemoryBroker();
      brokers.push(broker);
      return Promise.resolve([broker, broker]);
    },
  ],
  ['redis', redisPair],
];

describe.each(kinds)('%s broker: publishBatch', (_kind, make) => {
  it('continues each user’s seq, stores every alert and announces each once', async () => {
    const [broker, other] = await make();
    const heard: BreachAlertMessage[] = [];
    other.subscribe((alert) => heard.push(alert));
    await broker.publish(input('a'), AT, 'single-a');
    const alerts = await broker.publishBatch(['a', 'b', 'c'].map(input), AT, [
      'id-a',
      'id-b',
      'id-c',
    ]);
    expect(alerts.map((a) => [a.userId, a.seq, a.id])).toEqual([
      ['a', 2, 'id-a'],
      ['b', 1, 'id-b'],
      ['c', 1, 'id-c'],
    ]);
    expect((await broker.history('a', 0)).alerts.map((a) => a.id)).toEqual(['single-a', 'id-a']);
    expect(await broker.head('c')).toMatchObject({ lastSeq: 1 });
    const deadline = Date.now() + 5000;
    while (heard.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(heard.map((a) => a.id)).toEqual(['single-a', 'id-a', 'id-b', 'id-c']);
  });

  it('answers a repeated key with the batch it published and stores nothing', async () => {
    const [broker] = await make();
    const first = await broker.publishBatch(['a', 'b'].map(input), AT, ['1', '2'], 'key-1');
    const again = await broker.publishBatch(['a', 'b'].map(input), AT, ['3', '4'], 'key-1');
    expect(again).toEqual(first);
    expect(await broker.head('a')).toMatchObject({ lastSeq: 1 });
    // A batch key is not a single publish's key.
    const single = await broker.publish(input('a'), AT, 'single', 'key-1');
    expect(single).toMatchObject({ id: 'single', seq: 2 });
  });

  it('takes 10,000 users in one call', async () => {
    const [broker] = await make();
    const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const alerts = await broker.publishBatch(
      users.map(input),
      AT,
      users.map((u) => `id-${u}`),
    );
    expect(alerts).toHaveLength(10_000);
    expect(alerts.every((alert) => alert.seq === 1)).toBe(true);
    expect((await broker.history('user-9999', 0)).alerts.map((a) => a.id)).toEqual([
      'id-user-9999',
    ]);
  });
});

describe('redis broker: a batch larger than the events backlog', () => {
  it('reaches another instance whole', async () => {
    const keyPrefix = `test:batch:${randomUUID()}:`;
    prefixes.push(keyPrefix);
    const options = { url: REDIS_URL, keyPrefix, fanoutBlockMs: 200, eventsBacklog: 100 };
    const publisher = await createRedisBroker(options);
    const listener = await createRedisBroker(options);
    brokers.push(publisher, listener);
    const heard: string[] = [];
    listener.subscribe((alert) => heard.push(alert.id));
    const users = Array.from({ length: 500 }, (_, i) => `u${i}`);
    await publisher.publishBatch(
      users.map(input),
      AT,
      users.map((u) => `id-${u}`),
    );
    const deadline = Date.now() + 10_000;
    while (heard.length < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual(users.map((u) => `id-${u}`));
  });
});
