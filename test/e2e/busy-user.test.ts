// One busy user through a slow link, end to end: the real alert server, the embedded fault proxy
// driven through Toxiproxy's API, and the real client at library defaults (full jitter, acks on).
// Regression: every replay of more than ~40 alerts used to end in 1008, because the client acked
// each alert and the flood guard counted the acks.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeClient, type Client, type StateChange } from '../../src/client/node.js';
import { createToxiproxyServer, type ToxiproxyServer } from '../../src/proxy/index.js';
import { buildServer, signToken } from '../../src/server/index.js';

const SECRET = 'busy-user-test-secret-long-enough-for-hs256';
const USER = 'hot';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

interface Stack {
  app: FastifyInstance;
  proxy: Proxy;
  publish(count: number): Promise<void>;
  /** Closes with `code` and flood disconnections, as the server counted them. */
  policyCloses(): Promise<{ closes1008: number; flood: number; open: number }>;
  client(): { client: Client; seqs: number[]; states: StateChange[]; gaps: unknown[] };
}

async function startStack(): Promise<Stack> {
  const app = await buildServer({ auth: { secret: SECRET }, logger: false, defaultMetrics: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => app.close());
  const port = (app.server.address() as AddressInfo).port;
  const toxiproxy: ToxiproxyServer = createToxiproxyServer();
  const api = await toxiproxy.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => toxiproxy.close());
  const proxy = await new Toxiproxy(api.url).createProxy({
    name: 'alerts',
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${port}`,
  });
  const publisher = await signToken({ sub: 'pub', role: 'publisher' }, SECRET);
  const publishOne = async (): Promise<void> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/alerts',
      headers: { authorization: `Bearer ${publisher}` },
      payload: { userId: USER, severity: 'HIGH', title: 'Credentials exposed', source: 'test' },
    });
    expect(response.statusCode).toBe(201);
  };
  return {
    app,
    proxy,
    async publish(count) {
      for (let i = 0; i < count; i++) await publishOne();
    },
    async policyCloses() {
      const text = (await app.inject('/metrics')).body;
      const read = (series: string): number => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? 0 : Number(line.split(' ').at(-1));
      };
      return {
        closes1008: read('alert_server_ws_closes_total{code="1008"}'),
        flood: read('alert_server_ws_disconnections_total{reason="flood"}'),
        open: read('alert_server_ws_connections'),
      };
    },
    client() {
      const client = createNodeClient({
        url: `ws://${proxy.listen}`,
        userId: USER,
        getToken: () => signToken({ sub: USER }, SECRET),
      });
      cleanup.push(() => client.dispose());
      const seqs: number[] = [];
      const states: StateChange[] = [];
      const gaps: unknown[] = [];
      client.on('alert', (alert) => seqs.push(alert.seq));
      client.on('state', (change) => states.push(change));
      client.on('gap', (gap) => gaps.push(gap));
      return { client, seqs, states, gaps };
    },
  };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a busy user over a slow link', () => {
  it(
    'replays the full 1,000-alert history over 12 s of latency: every alert once, no 1008',
    {
      timeout: 60_000,
    },
    async () => {
      const stack = await startStack();
      await stack.publish(1000);
      // The hello, and with it the whole replay, reach the client 12 s late and at once.
      await stack.proxy.addToxic({
        type: 'latency',
        stream: 'downstream',
        attributes: { latency: 12_000, jitter: 0 },
      } as never);
      const { client, seqs, states, gaps } = stack.client();
      client.connect();
      await until(() => seqs.length >= 1000, 40_000);
      // Let the acks of the whole replay reach the server and be judged.
      await sleep(1000);
      expect(seqs).toEqual(range(1, 1000));
      expect(gaps).toEqual([]);
      expect(states.filter((s) => s.from === 'connected')).toEqual([]);
      // The server's side is read at once: a close frame would take 12 s to reach the client.
      expect(await stack.policyCloses()).toEqual({ closes1008: 0, flood: 0, open: 1 });
      expect(client.state).toBe('connected');
    },
  );

  it(
    'takes 12 s of held alerts and acks released at once in both directions: no 1008',
    {
      timeout: 60_000,
    },
    async () => {
      const stack = await startStack();
      const { client, seqs, states } = stack.client();
      client.connect();
      await until(() => client.state === 'connected', 10_000);
      await stack.publish(10);
      await until(() => seqs.length === 10, 10_000);
      const toxics = await Promise.all(
        (['upstream', 'downstream'] as const).map((stream) =>
          stack.proxy.addToxic({
            type: 'latency',
            stream,
            attributes: { latency: 12_000, jitter: 0 },
          } as never),
        ),
      );
      // 10 alerts a second for 6 s, then the remaining 400 of a burst while the link holds them.
      for (let s = 0; s < 6; s++) {
        await stack.publish(10);
        await sleep(1000);
      }
      await stack.publish(400);
      for (const toxic of toxics) await toxic.remove();
      await until(() => seqs.length >= 470, 30_000);
      await sleep(1000);
      expect(seqs).toEqual(range(1, 470));
      expect(states.filter((s) => s.from === 'connected')).toEqual([]);
      expect(await stack.policyCloses()).toEqual({ closes1008: 0, flood: 0, open: 1 });
    },
  );
});
