// The client against the real alert server on port 0. The client runs on a SimulatedClock, so
// its timers (backoff, heartbeat) move only when the test says; socket I/O is real.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNodeClient,
  SimulatedClock,
  type Client,
  type ClientEventMap,
  type ClientEventName,
} from '../../src/client/node.js';
import type { AlertInput } from '../../src/protocol/index.js';
import { buildServer, createMemoryBroker, signToken, type Broker } from '../../src/server/index.js';
import { capture } from './helpers.js';

const SECRET = 'client-test-secret-that-is-long-enough-for-hs256';
const alert = (n: number): AlertInput => ({
  userId: 'alice',
  severity: 'HIGH',
  title: `Breach ${n}`,
  source: 'client-test',
  detectedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
});

let apps: FastifyInstance[] = [];
let brokers: Broker[] = [];
let clients: Client[] = [];

afterEach(async () => {
  for (const client of clients) client.dispose();
  for (const app of apps) await app.close();
  for (const broker of brokers) await broker.close();
  apps = [];
  brokers = [];
  clients = [];
});

async function startServer(
  broker: Broker,
  port = 0,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildServer({
    auth: { secret: SECRET },
    broker,
    logger: false,
    defaultMetrics: false,
  });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port });
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** Resolves with the next `event` payload that satisfies `match`. */
function next<K extends ClientEventName>(
  client: Client,
  event: K,
  match: (payload: ClientEventMap[K]) => boolean = () => true,
): Promise<ClientEventMap[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

function makeClient(port: number, clock: SimulatedClock, sub = 'alice', secret = SECRET): Client {
  const client = createNodeClient({
    url: `ws://127.0.0.1:${port}`,
    userId: 'alice',
    getToken: () => signToken({ sub }, secret),
    clock,
    backoff: { jitter: 'none' },
  });
  clients.push(client);
  return client;
}

async function publish(app: FastifyInstance, n: number): Promise<number> {
  const token = await signToken({ sub: 'ops', role: 'publisher' }, SECRET);
  const response = await app.inject({
    method: 'POST',
    url: '/api/alerts',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(alert(n)),
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ seq: number }>().seq;
}

describe('client ↔ real alert server', () => {
  it('connects, resumes, answers ping with pong, receives alerts and acks', async () => {
    const broker = createMemoryBroker();
    brokers.push(broker);
    const { app, port } = await startServer(broker);
    const clock = new SimulatedClock(Date.now());
    const client = makeClient(port, clock);
    const events = capture(client);

    const resumed = next(client, 'state', (s) => s.to === 'connected');
    client.connect();
    await resumed;
    expect(client.quality).toBe('good');

    const pong = next(client, 'pong');
    clock.advance(30_000); // the heartbeat's first ping
    expect((await pong).onTime).toBe(true);

    const arrived = next(client, 'alert', (a) => a.seq === 3);
    for (let n = 1; n <= 3; n++) await publish(app, n);
    await arrived;
    expect(events.alert.map((a) => [a.seq, a.title])).toEqual([
      [1, 'Breach 1'],
      [2, 'Breach 2'],
      [3, 'Breach 3'],
    ]);
    expect(client.position.lastSeq).toBe(3);
    expect(events.error).toEqual([]);
  });

  it('survives a server restart: reconnects and resumes with no alert lost or duplicated', async () => {
    const broker = createMemoryBroker(); // durable history across the restart: same epoch
    brokers.push(broker);
    const first = await startServer(broker);
    const clock = new SimulatedClock(Date.now());
    const client = makeClient(first.port, clock);
    const events = capture(client);

    const connected = next(client, 'state', (s) => s.to === 'connected');
    client.connect();
    await connected;
    const live = next(client, 'alert', (a) => a.seq === 5);
    for (let n = 1; n <= 5; n++) await publish(first.app, n);
    await live;

    const dropped = next(client, 'state', (s) => s.to === 'reconnecting');
    await first.app.alertServer.shutdown('restart');
    expect(await dropped).toMatchObject({ closeCode: 1012, delayMs: 1000, attempt: 1 });

    // Alerts published while the server is down land in the durable history.
    for (let n = 6; n <= 8; n++) {
      await broker.publish(alert(n), new Date().toISOString(), `down-${n}`);
    }
    const second = await startServer(broker, first.port);
    const reconnected = next(client, 'state', (s) => s.to === 'connected');
    const replayed = next(client, 'alert', (a) => a.seq === 8);
    clock.advance(1000); // the 1 s backoff
    await reconnected;
    await replayed;
    const liveAgain = next(client, 'alert', (a) => a.seq === 9);
    await publish(second.app, 9);
    await liveAgain;

    expect(events.alert.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.gap).toEqual([]);
    expect(events.state.filter((s) => s.to === 'connected')).toHaveLength(2);
  });

  it('after dispose() the clock has no pending timers and the server sees the socket closed', async () => {
    const broker = createMemoryBroker();
    brokers.push(broker);
    const { app, port } = await startServer(broker);
    const clock = new SimulatedClock(Date.now());
    const client = makeClient(port, clock);
    const connected = next(client, 'state', (s) => s.to === 'connected');
    client.connect();
    await connected;
    const [serverSocket] = [...app.alertServer.sockets];
    expect(serverSocket).toBeDefined();
    const closed = once(serverSocket!, 'close');
    client.dispose();
    expect(clock.pendingTimers).toBe(0);
    const [code] = (await closed) as [number];
    expect(code).toBe(1000);
  });

  it('a token for another user is refused with 403: disconnected, never retried', async () => {
    const broker = createMemoryBroker();
    brokers.push(broker);
    const { port } = await startServer(broker);
    const clock = new SimulatedClock(Date.now());
    const client = makeClient(port, clock, 'mallory');
    const settled = next(client, 'state', (s) => s.to === 'disconnected');
    client.connect();
    expect(await settled).toMatchObject({ reason: 'forbidden', httpStatus: 403 });
    clock.advance(60 * 60_000);
    expect(client.state).toBe('disconnected');
    expect(clock.pendingTimers).toBe(0);
  });

  it('a bad token is refused with 401 twice: failed (auth)', async () => {
    const broker = createMemoryBroker();
    brokers.push(broker);
    const { port } = await startServer(broker);
    const clock = new SimulatedClock(Date.now());
    const client = makeClient(port, clock, 'alice', 'wrong-secret-wrong-secret-wrong-secret');
    const retrying = next(client, 'state', (s) => s.to === 'reconnecting');
    const failed = next(client, 'state', (s) => s.to === 'failed');
    client.connect();
    expect(await retrying).toMatchObject({ reason: 'auth', httpStatus: 401, delayMs: 0 });
    clock.advance(0);
    expect(await failed).toMatchObject({ reason: 'auth', httpStatus: 401 });
  });
});
