// A full instance refuses upgrades with 503 and a Retry-After spread over 1..5 s, so the herd
// of a dead instance is paced instead of taken at once; the client honours it.
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeClient, SimulatedClock, type Client } from '../../src/client/node.js';
import { expectRefused, openPeer, type WsPeer } from '../helpers/ws-peer.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer | undefined;
const peers: WsPeer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await server?.close();
});

async function rejectedFull(s: TestServer): Promise<number> {
  const text = (await s.app.inject('/metrics')).body;
  const line = text
    .split('\n')
    .find((l) => l.startsWith('alert_server_ws_rejected_total{reason="full"}'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('a full instance', () => {
  it('refuses the connection beyond maxConnections with 503 + Retry-After, and takes it once one left', async () => {
    server = await startServer({ limits: { maxConnections: 2 }, random: () => 0.99 });
    for (const user of ['a', 'b']) {
      peers.push(await openPeer(server.wsUrl(user), { token: await server.token(user) }));
    }
    const refusal = await expectRefused(server.wsUrl('c'), { token: await server.token('c') });
    expect(refusal.status).toBe(503);
    expect(refusal.headers['retry-after']).toBe('5');
    expect(JSON.parse(refusal.body)).toMatchObject({
      code: 'SRV_FULL',
      message: 'this instance holds its maximum of 2 connections; retry in 5 s',
    });
    expect(await rejectedFull(server)).toBe(1);
    await peers.shift()!.close();
    // The server notices the close on its own loop: wait until it counts one socket less.
    for (let i = 0; i < 100 && server.app.alertServer.service.connectionCount > 1; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    peers.push(await openPeer(server.wsUrl('c'), { token: await server.token('c') }));
    // /healthz tells the most it ever held: never past its maximum.
    expect((await server.app.inject('/healthz')).json()).toEqual({
      status: 'ok',
      connections: 2,
      peakConnections: 2,
    });
  });

  it('tells a browser (an upgrade with Origin) to wait with a 1013 close it can read', async () => {
    server = await startServer({ limits: { maxConnections: 1 }, random: () => 0.5 });
    peers.push(await openPeer(server.wsUrl('a'), { token: await server.token('a') }));
    const browser = await openPeer(server.wsUrl('b'), {
      token: await server.token('b'),
      origin: 'http://dashboard.example',
    });
    const closed = await browser.closed;
    expect(closed.code).toBe(1013);
    // 0.5 draws 3 of 1..5 s.
    expect(JSON.parse(closed.reason)).toEqual({ retryAfterMs: 3000 });
    expect(browser.received).toEqual([]);
    expect(await rejectedFull(server)).toBe(1);
    // Never counted as a connection, and the one held stays.
    expect(server.app.alertServer.service.connectionCount).toBe(1);
  });

  it('spreads Retry-After over 1..fullRetryAfterS with the injected random source', async () => {
    let draw = 0;
    const draws = [0, 0.5, 0.999];
    server = await startServer({
      limits: { maxConnections: 0 + 1, fullRetryAfterS: 3 },
      random: () => draws[draw++ % draws.length]!,
    });
    peers.push(await openPeer(server.wsUrl('a'), { token: await server.token('a') }));
    const waits: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const refusal = await expectRefused(server.wsUrl('b'), { token: await server.token('b') });
      waits.push(refusal.headers['retry-after']);
    }
    expect(waits).toEqual(['1', '2', '3']);
  });

  it('makes the client wait the Retry-After before its next attempt', async () => {
    server = await startServer({ limits: { maxConnections: 1 }, random: () => 0.99 });
    peers.push(await openPeer(server.wsUrl('a'), { token: await server.token('a') }));
    const clock = new SimulatedClock(Date.now());
    const client = createNodeClient({
      url: server.httpUrl,
      userId: 'b',
      getToken: () => server!.token('b'),
      clock,
      backoff: { jitter: 'none' },
    });
    clients.push(client);
    const reconnecting = new Promise<{ delayMs?: number; httpStatus?: number }>((resolve) => {
      client.on('state', (change) => {
        if (change.to === 'reconnecting') resolve(change);
      });
    });
    client.connect();
    const change = await reconnecting;
    expect(change.httpStatus).toBe(503);
    // The first nominal delay is 1 s; the server asked for 5.
    expect(change.delayMs).toBeGreaterThanOrEqual(4000);
    expect(change.delayMs).toBeLessThanOrEqual(5000);
  });
});
