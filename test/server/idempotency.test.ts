// Idempotent publishing: a publisher that retries after a lost answer (the server stored the
// alert, then crashed before replying) gets the original {seq, id} back, and no second alert.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertInput } from '../../src/protocol/index.js';
import {
  buildServer,
  createMemoryBroker,
  createRedisBroker,
  signToken,
  type Broker,
} from '../../src/server/index.js';
import { SECRET, startServer, type TestServer } from '../helpers/server.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const valid = { userId: 'alice', severity: 'HIGH', title: 'Password leaked', source: 'hibp' };
const AT = '2026-01-01T00:00:00.000Z';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(
  app: TestServer['app'],
  key: string | undefined,
  body: object = valid,
): Promise<{ status: number; body: { seq: number; id: string }; replayed: unknown }> {
  const publisher = await signToken({ sub: 'ops', role: 'publisher' }, SECRET);
  const response = await app.inject({
    method: 'POST',
    url: '/api/alerts',
    headers: {
      authorization: `Bearer ${publisher}`,
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    payload: body,
  });
  return {
    status: response.statusCode,
    body: response.json<{ seq: number; id: string }>(),
    replayed: response.headers['idempotent-replayed'],
  };
}

describe('POST /api/alerts with Idempotency-Key', () => {
  it('stores one alert for two publishes with one key and answers the same {seq, id}', async () => {
    server = await startServer();
    const first = await post(server.app, '"8e03978e-40d5-43e8-bc93-6894a57f9324"');
    const again = await post(server.app, '"8e03978e-40d5-43e8-bc93-6894a57f9324"');
    const bare = await post(server.app, '8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(first.status).toBe(201);
    expect(first.replayed).toBeUndefined();
    expect(again).toEqual({ status: 200, body: first.body, replayed: 'true' });
    expect(bare).toEqual({ status: 200, body: first.body, replayed: 'true' });
    const other = await post(server.app, 'another-key');
    expect(other.status).toBe(201);
    expect(other.body.seq).toBe(first.body.seq + 1);
    // Without a key every publish is a new alert, as before.
    expect((await post(server.app, undefined)).body.seq).toBe(first.body.seq + 2);
    const history = await server.app.inject({
      url: '/api/alerts?since=0',
      headers: { authorization: `Bearer ${await server.token('alice')}` },
    });
    expect(history.json<{ alerts: unknown[] }>().alerts).toHaveLength(3);
  });

  it('refuses a key reused for another alert with 422, and a malformed key with 400', async () => {
    server = await startServer();
    await post(server.app, 'k-1');
    const reused = await post(server.app, 'k-1', { ...valid, title: 'Something else' });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({
      code: 'SRV_IDEMPOTENCY_KEY_REUSED',
      message: expect.stringMatching(/^Idempotency-Key "k-1" already published another alert/),
    });
    for (const bad of ['', '"unterminated', 'spa ce', 'x'.repeat(256), 'ünïcode']) {
      const response = await post(server.app, bad);
      expect(response.status, bad).toBe(400);
      expect(response.body).toMatchObject({
        code: 'SRV_BAD_REQUEST',
        message: expect.stringMatching(/^Idempotency-Key: expected 1 to 255 printable ASCII/),
      });
    }
  });
});

describe('broker idempotency', () => {
  it('memory: a repeat returns the original alert and notifies nobody', async () => {
    const broker = createMemoryBroker();
    const seen: number[] = [];
    broker.subscribe((alert) => seen.push(alert.seq));
    const input: AlertInput = { ...valid, severity: 'HIGH', detectedAt: AT };
    const first = await broker.publish(input, AT, 'id-1', 'key');
    const again = await broker.publish(input, AT, 'id-2', 'key');
    expect(again).toEqual(first);
    expect(seen).toEqual([1]);
    // A day later the key is forgotten.
    const later = await broker.publish(input, '2026-01-02T00:00:00.001Z', 'id-3', 'key');
    expect(later.seq).toBe(2);
    await broker.close();
  });

  describe('Redis', () => {
    const admin = new Redis(REDIS_URL);
    const prefixes: string[] = [];
    afterAll(async () => {
      for (const prefix of prefixes) {
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length > 0) await admin.del(...keys);
      }
      admin.disconnect();
    });

    it('holds across a server crash: a new instance on the same Redis answers the retry', async () => {
      const keyPrefix = `stormwatch-test:${randomUUID()}:`;
      prefixes.push(keyPrefix);
      const start = async (broker: Broker) => {
        const app = await buildServer({
          auth: { secret: SECRET },
          broker,
          logger: false,
          defaultMetrics: false,
        });
        await app.ready();
        return app;
      };
      const brokerA = await createRedisBroker({ url: REDIS_URL, keyPrefix });
      const appA = await start(brokerA);
      const first = await post(appA, 'publish-7');
      expect(first.status).toBe(201);
      // The instance dies before its answer reaches the publisher.
      await appA.alertServer.shutdown('kill');
      await appA.close();
      await brokerA.close();
      const brokerB = await createRedisBroker({ url: REDIS_URL, keyPrefix });
      const appB = await start(brokerB);
      const retry = await post(appB, 'publish-7');
      expect(retry).toEqual({ status: 200, body: first.body, replayed: 'true' });
      expect((await brokerB.head('alice')).lastSeq).toBe(1);
      const ttl = await admin.pttl(`${keyPrefix}idem:publish-7`);
      expect(ttl).toBeGreaterThan(23 * 3600 * 1000);
      expect(ttl).toBeLessThanOrEqual(24 * 3600 * 1000);
      await appB.close();
      await brokerB.close();
    });
  });
});
