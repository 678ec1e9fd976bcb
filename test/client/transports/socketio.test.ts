// The client with the socketio profile against the reference Socket.IO 4 server, through the
// embedded fault proxy for the dead-link cases: Engine.IO's heartbeat as the client's, recovery
// of what a dead link swallowed when the server offers it, and loss when it does not.
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startSocketIoTarget, type SocketIoTarget } from '../../../targets/socketio/server.js';
import {
  createClient,
  createNodeClient,
  createNodeTransport,
  type Client,
  type StateChange,
} from '../../../src/client/node.js';
import type { BreachAlertMessage } from '../../../src/protocol/index.js';
import { createToxiproxyServer, type ToxiproxyServer } from '../../../src/proxy/index.js';
import { signToken } from '../../../src/server/index.js';

const SECRET = 'socketio-test-secret-long-enough-for-hs256';
const opened: Array<{ close(): Promise<void> }> = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function target(recovery: boolean): Promise<SocketIoTarget> {
  const started = await startSocketIoTarget({
    secret: SECRET,
    recovery,
    pingIntervalMs: 300,
    pingTimeoutMs: 200,
  });
  opened.push(started);
  return started;
}

async function proxyTo(port: number): Promise<Proxy> {
  const server: ToxiproxyServer = createToxiproxyServer();
  const api = (await server.listen({ host: '127.0.0.1', port: 0 })).url;
  opened.push(server);
  return new Toxiproxy(api).createProxy({
    name: 'socketio',
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${port}`,
  });
}

function start(
  url: string,
  userId = 'alice',
  getToken: () => Promise<string> = () => signToken({ sub: userId }, SECRET),
): Client {
  const client = createNodeClient({
    url,
    userId,
    environment: null,
    profile: { kind: 'socketio', alert: { idPointer: '/id' } },
    getToken,
    backoff: { initialDelayMs: 100, maxDelayMs: 100, jitter: 'none' },
  });
  clients.push(client);
  client.connect();
  return client;
}

function publish(to: SocketIoTarget, userId: string, id: string): Promise<Response> {
  return signToken({ sub: 'ops', role: 'publisher' }, SECRET).then((token) =>
    fetch(`${to.httpUrl}/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, alert: { id, title: `alert ${id}` } }),
    }),
  );
}

function until<T>(
  client: Client,
  event: 'state' | 'alert',
  test: (payload: T) => boolean,
): Promise<T> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (test(payload as T)) {
        off();
        resolve(payload as T);
      }
    });
  });
}

const connected = (client: Client) =>
  until<StateChange>(client, 'state', (change) => change.to === 'connected');

/** Blackholes both directions until the returned function is called. */
async function blackhole(proxy: Proxy): Promise<() => Promise<void>> {
  const toxics = await Promise.all(
    (['downstream', 'upstream'] as const).map((stream) =>
      proxy.addToxic({
        name: `hole-${stream}`,
        type: 'timeout',
        stream,
        toxicity: 1,
        attributes: { timeout: 0 },
      } as never),
    ),
  );
  return async () => {
    for (const toxic of toxics) await toxic.remove();
  };
}

describe('the socketio profile', () => {
  it('delivers the named event as alerts, deduplicated by id, to the right user only', async () => {
    const server = await target(false);
    const alice = start(`ws://127.0.0.1:${server.port}/`);
    const bob = start(`ws://127.0.0.1:${server.port}/`, 'bob');
    await Promise.all([connected(alice), connected(bob)]);
    const seen: string[] = [];
    alice.on('alert', (alert) => seen.push(`${alert.seq}:${alert.id}`));
    bob.on('alert', (alert) => seen.push(`bob:${alert.id}`));
    const last = until<BreachAlertMessage>(alice, 'alert', (alert) => alert.id === 'a3');
    for (const id of ['a1', 'a2', 'a2', 'a3'])
      expect((await publish(server, 'alice', id)).status).toBe(202);
    expect((await last).payload).toEqual({ id: 'a3', title: 'alert a3' });
    expect(seen).toEqual(['1:a1', '2:a2', '3:a3']);
  });

  it('counts a dead link as a heartbeat timeout and recovers what it swallowed', async () => {
    const server = await target(true);
    const proxy = await proxyTo(server.port);
    const client = start(`ws://${proxy.listen}/`);
    await connected(client);
    // Recovery resumes from the offset of the last event the client got.
    const first = until<BreachAlertMessage>(client, 'alert', () => true);
    await publish(server, 'alice', 'before');
    await first;
    const heal = await blackhole(proxy);
    const dead = await until<StateChange>(client, 'state', (change) => change.from === 'connected');
    expect(dead.reason).toBe('heartbeat-timeout');
    expect(dead.closeCode).toBe(4000);
    // The last sign of life was the server's ping: the loss is seen within interval + timeout.
    expect(dead.detectionMs).toBeGreaterThan(150);
    expect(dead.detectionMs).toBeLessThan(2000);
    await publish(server, 'alice', 'during-1');
    await publish(server, 'alice', 'during-2');
    const replayed = until<BreachAlertMessage>(client, 'alert', (alert) => alert.id === 'during-2');
    await heal();
    expect((await replayed).seq).toBe(3);
  });

  it('loses what a dead link swallowed when the server offers no recovery', async () => {
    const server = await target(false);
    const proxy = await proxyTo(server.port);
    const client = start(`ws://${proxy.listen}/`);
    await connected(client);
    const got: string[] = [];
    client.on('alert', (alert) => got.push(alert.id));
    const heal = await blackhole(proxy);
    await until<StateChange>(client, 'state', (change) => change.from === 'connected');
    await publish(server, 'alice', 'during');
    const back = connected(client);
    await heal();
    await back;
    const after = until<BreachAlertMessage>(client, 'alert', (alert) => alert.id === 'after');
    await publish(server, 'alice', 'after');
    await after;
    expect(got).toEqual(['after']);
  });

  it('takes a refused handshake for an auth failure: one refresh, then failed', async () => {
    const server = await target(false);
    const client = start(`ws://127.0.0.1:${server.port}/`, 'alice', () =>
      signToken({ sub: 'alice' }, 'another-secret-of-enough-length-for-hs256'),
    );
    const failed = await until<StateChange>(client, 'state', (change) => change.to === 'failed');
    expect(failed.httpStatus).toBe(401);
  });

  it('refuses a socketio profile on a WebSocket transport, and the reverse', () => {
    expect(() =>
      createClient({
        url: 'ws://127.0.0.1:1/',
        userId: 'u',
        transport: createNodeTransport(),
        profile: 'socketio',
      }),
    ).toThrow(
      'transport: profile socketio needs createSocketIoTransport() from stormwatch/client/node',
    );
  });
});
