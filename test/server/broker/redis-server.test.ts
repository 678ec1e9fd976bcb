import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisBroker, type Broker } from '../../../src/server/index.js';
import { openPeer, type WsPeer } from '../../helpers/ws-peer.js';
import { startServer, type TestServer } from '../../helpers/server.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const isType = (type: string) => (m: Record<string, unknown>) => m.type === type;

describe('two alert servers sharing one Redis', () => {
  let admin: Redis;
  let prefix: string;
  let brokers: Broker[];
  let servers: TestServer[];
  const peers: WsPeer[] = [];

  const connect = async (server: TestServer, userId: string) => {
    const peer = await openPeer(server.wsUrl(userId), { token: await server.token(userId) });
    peers.push(peer);
    return peer;
  };

  beforeAll(async () => {
    admin = new Redis(REDIS_URL);
    await admin.ping();
  });

  afterAll(async () => {
    await admin.quit();
  });

  beforeEach(async () => {
    // A unique prefix per test: other tests share this Redis.
    prefix = `test:redis-server:${randomUUID()}:`;
    brokers = await Promise.all(
      [0, 1].map(() => createRedisBroker({ url: REDIS_URL, keyPrefix: prefix })),
    );
    servers = await Promise.all(
      brokers.map((broker) => startServer({ broker, limits: { resumeWaitMs: 50 } })),
    );
  });

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await Promise.all(servers.map((s) => s.close()));
    // buildServer does not close a broker it was given.
    await Promise.all(brokers.map((b) => b.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  });

  it('greets with the same epoch on both instances', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const onA = await connect(a, 'alice');
    const onB = await connect(b, 'alice');
    const [helloA, helloB] = await Promise.all([
      onA.next(isType('hello')),
      onB.next(isType('hello')),
    ]);
    expect(helloA.epoch).toBe(helloB.epoch);
    expect(helloA.epoch).toBe(await admin.get(`${prefix}epoch`));
  });

  it('delivers to a client on instance A an alert published through instance B', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const peer = await connect(a, 'alice');
    await peer.next(isType('hello'));
    peer.send({ type: 'ping', id: 'go-live' });
    await peer.next(isType('pong'));
    const published = await b.publish('alice', 'via B');
    const alert = await peer.next(isType('breach_alert'));
    expect(alert).toMatchObject({ seq: published.seq, id: published.id, title: 'via B' });
    // Seq is shared: the next alert through A continues after B's.
    expect((await a.publish('alice', 'via A')).seq).toBe(published.seq + 1);
    expect(await peer.next(isType('breach_alert'))).toMatchObject({ seq: published.seq + 1 });
  });

  it('replays on instance B exactly the alerts published through instance A while away', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const first = await connect(a, 'alice');
    const hello = await first.next(isType('hello'));
    first.send({ type: 'ping', id: 'go-live' });
    await first.next(isType('pong'));
    await a.publish('alice', 'seen 1');
    await a.publish('alice', 'seen 2');
    const lastSeen = await first.next((m) => m.type === 'breach_alert' && m.seq === 2);
    await first.close();

    for (let i = 3; i <= 5; i++) await a.publish('alice', `missed ${i}`);
    const second = await connect(b, 'alice');
    const helloB = await second.next(isType('hello'));
    expect(helloB.epoch).toBe(hello.epoch);
    second.send({ type: 'resume', lastSeq: lastSeen.seq, epoch: hello.epoch });
    const replayed = [];
    for (let i = 0; i < 3; i++) replayed.push(await second.next(isType('breach_alert')));
    expect(replayed.map((m) => [m.seq, m.title])).toEqual([
      [3, 'missed 3'],
      [4, 'missed 4'],
      [5, 'missed 5'],
    ]);
    expect(await second.next(isType('resumed'))).toEqual({
      type: 'resumed',
      replayed: 3,
      gap: false,
      missed: 0,
    });
    // Live delivery on B continues after the replay, from an alert published through A.
    await a.publish('alice', 'live 6');
    expect(await second.next(isType('breach_alert'))).toMatchObject({ seq: 6, title: 'live 6' });
    expect(second.received.filter(isType('breach_alert'))).toHaveLength(4);
  });

  it('serves the polling fallback from the shared history on either instance', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    await a.publish('alice', 'one');
    await b.publish('alice', 'two');
    const response = await fetch(`${b.httpUrl}/api/alerts?since=1`, {
      headers: { authorization: `Bearer ${await b.token('alice')}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { lastSeq: number; alerts: { title: string }[] };
    expect(body.lastSeq).toBe(2);
    expect(body.alerts.map((x) => x.title)).toEqual(['two']);
  });
});
