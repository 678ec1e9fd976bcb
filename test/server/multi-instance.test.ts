// Several alert server instances on one Redis (a redis-server of this file's own, on a free
// port): the connect limit and revocation are shared, Redis trouble is answered honestly, and a
// client resumes on another instance after its own was SIGKILLed.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNodeClient, type Client } from '../../src/client/node.js';
import type { BreachAlertMessage } from '../../src/protocol/index.js';
import { ChildProcessServer } from '../../src/runner/harness/child-server.js';
import { RedisChild } from '../../src/runner/harness/redis-child.js';
import { createRedisBroker, signToken, type Broker } from '../../src/server/index.js';
import { SECRET, startServer, type TestServer } from '../helpers/server.js';
import { expectRefused, openPeer, type WsPeer } from '../helpers/ws-peer.js';

const isType = (type: string) => (m: Record<string, unknown>) => m.type === type;

let redis: RedisChild;
let prefix: string;
const brokers: Broker[] = [];
const servers: TestServer[] = [];
const peers: WsPeer[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  redis = new RedisChild();
  await redis.start();
});

afterAll(async () => {
  await redis.close();
});

beforeEach(() => {
  prefix = `test:multi:${randomUUID()}:`;
});

afterEach(async () => {
  redis.resume();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

/** An in-process instance on the file's Redis under this test's prefix. */
async function instance(
  options: { commandTimeoutMs?: number; connectsPerMinute?: number } = {},
): Promise<TestServer> {
  const broker = await createRedisBroker({
    url: redis.url,
    keyPrefix: prefix,
    commandTimeoutMs: options.commandTimeoutMs ?? 2000,
  });
  brokers.push(broker);
  const server = await startServer({
    broker,
    limits: { resumeWaitMs: 50, connectsPerMinute: options.connectsPerMinute ?? 10 },
  });
  servers.push(server);
  return server;
}

async function connect(server: TestServer, userId: string, token?: string): Promise<WsPeer> {
  const peer = await openPeer(server.wsUrl(userId), {
    token: token ?? (await server.token(userId)),
  });
  peers.push(peer);
  return peer;
}

describe('instances sharing one Redis', () => {
  it('admit 10 connects a minute per user between them, and refuse the 11th on either', async () => {
    const [a, b] = [await instance(), await instance()];
    for (let i = 0; i < 10; i++) {
      const peer = await connect(i % 2 === 0 ? a : b, 'alice');
      await peer.next(isType('hello'));
    }
    for (const server of [a, b]) {
      const refusal = await expectRefused(server.wsUrl('alice'), {
        token: await server.token('alice'),
      });
      expect(refusal.status).toBe(429);
      expect(Number(refusal.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refusal.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    // Another user has a window of its own.
    await (await connect(b, 'bob')).next(isType('hello'));
  });

  it('wake a long poll on one instance with an alert published on the other', async () => {
    const [a, b] = [await instance(), await instance()];
    const token = await b.token('alice');
    const started = performance.now();
    const poll = fetch(`${b.httpUrl}/api/alerts?since=0&wait=20000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await vi.waitFor(() => expect(b.app.alertServer.service.waitingPolls).toBe(1));
    await a.publish('alice', 'published on a');
    const body = (await (await poll).json()) as { alerts: BreachAlertMessage[] };
    expect(body.alerts.map((alert) => [alert.seq, alert.title])).toEqual([[1, 'published on a']]);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('never admit more than the limit when attempts on both race, and keep a cutoff from falling', async () => {
    const [x, y] = await Promise.all(
      [0, 1].map(() => createRedisBroker({ url: redis.url, keyPrefix: prefix })),
    );
    brokers.push(x!, y!);
    const now = Date.now();
    const verdicts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? x! : y!).shared!.admitConnect('hana', 10, 60_000, now + i),
      ),
    );
    expect(verdicts.filter((v) => v.ok)).toHaveLength(10);
    // The oldest admitted attempt (at now) leaves the window at now + 60 s.
    const refused = verdicts.find((v) => !v.ok) as { ok: false; retryAfterMs: number };
    expect(refused.retryAfterMs).toBeGreaterThan(59_900);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    // The window slides: a minute later the user is admitted again.
    expect(await x!.shared!.admitConnect('hana', 10, 60_000, now + 60_001)).toEqual({ ok: true });

    const heard: number[] = [];
    y!.shared!.onRevoke((cutoff) => heard.push(cutoff));
    expect(await x!.shared!.revoke(now)).toBe(now);
    expect(await y!.shared!.revoke(now - 1000)).toBe(now);
    expect(await y!.shared!.revokedBefore()).toBe(now);
    await vi.waitFor(() => expect(heard).toEqual([now]));
  });

  it('count connects on their own while Redis cannot answer, and share again once it can', async () => {
    const [a, b] = [
      await instance({ commandTimeoutMs: 300, connectsPerMinute: 2 }),
      await instance({ commandTimeoutMs: 300, connectsPerMinute: 2 }),
    ];
    redis.pause();
    // Each instance admits its own 2: connects keep working without the shared store.
    for (const server of [a, b, a, b]) await connect(server, 'carol');
    await expect(
      expectRefused(a.wsUrl('carol'), { token: await a.token('carol') }),
    ).resolves.toMatchObject({ status: 429 });
    redis.resume();
    await vi.waitFor(
      async () => {
        const res = await b.app.inject('/readyz');
        if (res.statusCode !== 200) throw new Error(`readyz ${res.statusCode}`);
      },
      { timeout: 10_000, interval: 50 },
    );
    // Back on the shared window, which recorded none of them: two more between both.
    await connect(a, 'dave');
    await connect(b, 'dave');
    await expect(
      expectRefused(a.wsUrl('dave'), { token: await a.token('dave') }),
    ).resolves.toMatchObject({ status: 429 });
  });

  it('close sockets on every instance when one revokes, and refuse the old tokens everywhere', async () => {
    const [a, b] = [await instance(), await instance()];
    const oldToken = await b.token('erin', { nowMs: Date.now() - 5000 });
    const onB = await connect(b, 'erin', oldToken);
    await onB.next(isType('hello'));
    const publisher = await signToken({ sub: 'pub', role: 'publisher' }, SECRET);
    const response = await fetch(`${a.httpUrl}/api/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${publisher}` },
    });
    expect(response.status).toBe(200);
    // Closed by B, which heard of the revocation through Redis.
    expect((await onB.closed).code).toBe(4401);
    const refusal = await expectRefused(b.wsUrl('erin'), { token: oldToken });
    expect(refusal.status).toBe(401);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 'SRV_TOKEN_REVOKED' });
    // An instance started afterwards knows it too.
    const c = await instance();
    expect((await expectRefused(c.wsUrl('erin'), { token: oldToken })).status).toBe(401);
    // A token issued now is fine everywhere.
    await (await connect(c, 'erin')).next(isType('hello'));
  });

  it('answer 503 while Redis is paused, keep sockets up, and deliver again once it is back', async () => {
    const server = await instance({ commandTimeoutMs: 400 });
    const peer = await connect(server, 'frank');
    await peer.next(isType('hello'));
    peer.send({ type: 'ping', id: 'live' });
    await peer.next(isType('pong'));
    expect((await server.publish('frank', 'before')).seq).toBe(1);
    expect(await peer.next(isType('breach_alert'))).toMatchObject({ seq: 1 });

    redis.pause();
    const ready = await server.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'broker_unavailable' });
    const publisher = await signToken({ sub: 'pub', role: 'publisher' }, SECRET);
    const publishOnce = (title: string) =>
      fetch(`${server.httpUrl}/api/alerts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${publisher}`,
          'content-type': 'application/json',
          'idempotency-key': `"${title}"`,
        },
        body: JSON.stringify({ userId: 'frank', severity: 'HIGH', title, source: 'test' }),
      });
    const refused = await publishOnce('during');
    expect(refused.status).toBe(503);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body.code).toBe('SRV_BROKER_UNAVAILABLE');
    // The command may sit in Redis's socket and run once it wakes: the answer says so.
    expect(body.message).toMatch(/may still be stored: retry with the same Idempotency-Key/);
    // The socket is still up and answering.
    peer.send({ type: 'ping', id: 'paused' });
    expect(await peer.next(isType('pong'))).toMatchObject({ id: 'paused' });

    redis.resume();
    await vi.waitFor(
      async () => {
        const res = await server.app.inject('/readyz');
        if (res.statusCode !== 200) throw new Error(`readyz ${res.statusCode}`);
      },
      { timeout: 10_000, interval: 50 },
    );
    // The publisher's retry with the same key: stored once, whether the paused Redis ran the
    // first attempt on waking (200, replayed) or not (201).
    const retried = await publishOnce('during');
    expect([200, 201]).toContain(retried.status);
    expect(((await retried.json()) as { seq: number }).seq).toBe(2);
    expect((await server.publish('frank', 'after')).seq).toBe(3);
    await peer.next((m) => m.type === 'breach_alert' && m.seq === 3);
    expect(peer.received.filter(isType('breach_alert')).map((m) => [m.seq, m.title])).toEqual([
      [1, 'before'],
      [2, 'during'],
      [3, 'after'],
    ]);
  });
});

describe('instances as processes', () => {
  it('a client resumes on the other instance after its own was SIGKILLed, gap-free and without duplicates', async () => {
    const env = { STORMWATCH_BROKER: redis.url };
    const started = [0, 1].map(
      () => new ChildProcessServer('exec node bin/stormwatch serve', SECRET, env),
    );
    for (const server of started) {
      cleanups.push(() => server.close());
      await server.start();
    }
    const [a, b] = started as [ChildProcessServer, ChildProcessServer];
    const received: BreachAlertMessage[] = [];
    const client: Client = createNodeClient({
      urls: [a.httpUrl, b.httpUrl],
      userId: 'gina',
      getToken: () => signToken({ sub: 'gina', expiresInS: 600 }, SECRET),
      backoff: { initialDelayMs: 100, maxDelayMs: 200, jitter: 'none' },
    });
    cleanups.push(() => client.dispose());
    const gaps: unknown[] = [];
    client.on('alert', (alert) => received.push(alert));
    client.on('gap', (gap) => gaps.push(gap));
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('connected'), { timeout: 10_000 });

    const publisher = await signToken({ sub: 'pub', role: 'publisher' }, SECRET);
    const publish = async (via: ChildProcessServer, title: string) => {
      const response = await fetch(`${via.httpUrl}/api/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${publisher}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'gina', severity: 'HIGH', title, source: 'test' }),
      });
      expect(response.status).toBe(201);
    };
    for (let i = 0; i < 5; i++) await publish(i % 2 === 0 ? a : b, `before ${i}`);
    await vi.waitFor(() => expect(received).toHaveLength(5), { timeout: 10_000 });

    await a.stop(false); // SIGKILL
    for (let i = 0; i < 5; i++) await publish(b, `while moving ${i}`);
    await vi.waitFor(() => expect(received).toHaveLength(10), { timeout: 15_000 });
    expect(client.state).toBe('connected');
    for (let i = 0; i < 3; i++) await publish(b, `after ${i}`);
    await vi.waitFor(() => expect(received).toHaveLength(13), { timeout: 10_000 });
    expect(received.map((alert) => alert.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(gaps).toEqual([]);
  });
});

describe('a Redis restart that loses the history', () => {
  it('moves connected clients to the new epoch: nothing published after it is dropped as a duplicate', async () => {
    const server = await instance({ commandTimeoutMs: 500 });
    const received: BreachAlertMessage[] = [];
    const gaps: Array<{ reset?: boolean; missed?: number }> = [];
    const client: Client = createNodeClient({
      url: server.httpUrl,
      userId: 'ivan',
      getToken: () => server.token('ivan'),
      backoff: { initialDelayMs: 100, maxDelayMs: 200, jitter: 'none' },
    });
    cleanups.push(() => client.dispose());
    client.on('alert', (alert) => received.push(alert));
    client.on('gap', (gap) => gaps.push(gap as { reset?: boolean; missed?: number }));
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('connected'), { timeout: 10_000 });
    for (let i = 0; i < 3; i++) await server.publish('ivan', `old ${i}`);
    await vi.waitFor(() => expect(received).toHaveLength(3), { timeout: 5000 });

    await redis.restart(); // no persistence: every key is gone, a new epoch begins
    await vi.waitFor(
      async () => {
        const res = await server.app.inject('/readyz');
        if (res.statusCode !== 200) throw new Error(`readyz ${res.statusCode}`);
      },
      { timeout: 10_000, interval: 50 },
    );
    // The new epoch numbers from 1 again: a client still on the old one would drop these.
    for (let i = 0; i < 2; i++) await server.publish('ivan', `new ${i}`);
    await vi.waitFor(() => expect(received.map((a) => a.title)).toContain('new 1'), {
      timeout: 10_000,
    });
    expect(received.map((a) => a.title)).toEqual(['old 0', 'old 1', 'old 2', 'new 0', 'new 1']);
    // The client was told its history was reset, not left to guess.
    expect(gaps.length).toBeGreaterThanOrEqual(1);
  });
});
