// Alert server vs a bare `ws` server with the same ping/pong handler, in one run:
// connect time, RSS per connection, pong RTT with every client pinging once a second, and
// publish→receive fan-out latency. Prints both and the ratios alert-server / bare-ws.
//
//   npx tsx bench/server/compare.ts [--connections 5000] [--seconds 10] [--alerts 200]
//
// Traffic stays on 127.0.0.1 and every phase is bounded in count and time.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { signToken } from '../../src/server/index.js';
import { startChild, type Child } from '../lib/child.js';
import { fmt, median, percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    alerts: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
const ROUNDS = Number(values.rounds);
const N = Number(values.connections);
const SECONDS = Number(values.seconds);
const ALERTS = Number(values.alerts);
const SECRET = 'bench-secret';
const CONCURRENCY = 100;

interface Result {
  connectMs: number[];
  rssPerConnection: number;
  rttMs: number[];
  fanoutMs: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(name: string, child: Child, auth: boolean): Promise<Result> {
  const base = `ws://127.0.0.1:${child.port}/ws/breach-alerts/`;
  const tokens = auth
    ? await Promise.all(
        Array.from({ length: N }, (_, i) => signToken({ sub: `user-${i}` }, SECRET)),
      )
    : [];
  await sleep(500);
  const rssBefore = child.rss();
  const sockets: WebSocket[] = new Array<WebSocket>(N);
  const connectMs: number[] = [];
  const pending = new Map<string, number>();
  const rttMs: number[] = [];
  const alertWaiters = new Map<string, (t: number) => void>();
  let measuring = false;

  const open = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const socket = new WebSocket(
        base + `user-${i}`,
        auth ? { headers: { authorization: `Bearer ${tokens[i]}` } } : {},
      );
      sockets[i] = socket;
      socket.on('message', (data) => {
        const message = JSON.parse((data as Buffer).toString()) as {
          type: string;
          id?: string;
          title?: string;
        };
        if (message.type === 'hello') {
          connectMs.push(performance.now() - started);
          // Go live at once (the alert server otherwise waits up to 1 s for a resume).
          socket.send(JSON.stringify({ type: 'ping', id: `warm-${i}` }));
          resolve();
        } else if (message.type === 'pong' && message.id !== undefined) {
          const sent = pending.get(message.id);
          if (sent !== undefined) {
            pending.delete(message.id);
            if (measuring) rttMs.push(performance.now() - sent);
          }
        } else if (message.type === 'breach_alert' && message.title !== undefined) {
          alertWaiters.get(message.title)?.(performance.now());
        }
      });
      socket.once('error', reject);
    });

  for (let i = 0; i < N; i += CONCURRENCY) {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, N - i) }, (_, k) => open(i + k)));
  }
  await sleep(1500);
  const rssAfter = child.rss();

  // Every client pings once a second, spread evenly over the second.
  measuring = true;
  const tickMs = 10;
  const perTick = Math.ceil(N / (1000 / tickMs));
  let next = 0;
  let seq = 0;
  const deadline = performance.now() + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (let k = 0; k < perTick; k++) {
      const socket = sockets[next]!;
      const id = `p${seq++}`;
      pending.set(id, performance.now());
      socket.send(JSON.stringify({ type: 'ping', id }));
      next = (next + 1) % N;
    }
    await sleep(tickMs);
  }
  await sleep(1000);
  measuring = false;

  // Fan-out: publish to random users, 20 a second, and time until the socket has it.
  const publisher = auth ? await signToken({ sub: 'bench', role: 'publisher' }, SECRET) : '';
  const fanoutMs: number[] = [];
  for (let a = 0; a < ALERTS; a++) {
    const title = `bench-${a}`;
    const user = `user-${Math.floor(Math.random() * N)}`;
    const received = new Promise<number>((resolve) => alertWaiters.set(title, resolve));
    const started = performance.now();
    await fetch(`http://127.0.0.1:${child.port}/api/alerts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth ? { authorization: `Bearer ${publisher}` } : {}),
      },
      body: JSON.stringify({ userId: user, severity: 'HIGH', title, source: 'bench' }),
    });
    const at = await Promise.race([received, sleep(5000).then(() => Number.NaN)]);
    alertWaiters.delete(title);
    if (Number.isFinite(at)) fanoutMs.push(at - started);
    await sleep(50);
  }

  for (const socket of sockets) socket.terminate();
  console.error(
    `${name}: ${connectMs.length} connected, ${rttMs.length} pongs, ${fanoutMs.length}/${ALERTS} alerts`,
  );
  return { connectMs, rssPerConnection: (rssAfter - rssBefore) / N, rttMs, fanoutMs };
}

console.log(
  `stormwatch server bench: ${N} connections, ${SECONDS} s of 1 ping/s each, ${ALERTS} alerts, ${ROUNDS} rounds (node ${process.version})`,
);
const peers = {
  'bare-ws': { script: './child-bare-ws.ts', auth: false },
  'alert-server': { script: './child-alert-server.ts', auth: true },
  'fastify-naive': { script: './child-fastify-min.ts', auth: false },
} as const;
type Peer = keyof typeof peers;
const results: Record<Peer, Result[]> = { 'bare-ws': [], 'alert-server': [], 'fastify-naive': [] };
const names = Object.keys(peers) as Peer[];
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so no peer always runs on a warmer (or more tired) machine.
  const order: Peer[] = names.map((_, k) => names[(k + round) % names.length]!);
  for (const name of order) {
    const child = await startChild(new URL(peers[name].script, import.meta.url), {
      BENCH_SECRET: SECRET,
    });
    results[name].push(await measure(name, child, peers[name].auth).finally(() => child.stop()));
  }
}

/**
 * The median over rounds of a per-round figure for each peer, and the alert server's and naive
 * Fastify's ratios to bare `ws` (the floor).
 */
const row = (label: string, pick: (r: Result) => number, target?: number): string[] => {
  const a = median(results['alert-server'].map(pick));
  const b = median(results['bare-ws'].map(pick));
  const f = median(results['fastify-naive'].map(pick));
  const ratio = a / b;
  const verdict =
    target === undefined ? '' : ratio <= target ? `<= ${target} ok` : `> ${target} MISSED`;
  return [label, fmt(a), fmt(b), fmt(f), fmt(ratio), fmt(f / b), verdict];
};
console.log(`medians over ${ROUNDS} rounds:`);
printTable(
  [
    'metric',
    'alert-server',
    'bare-ws',
    'fastify-naive',
    'alert/bare',
    'fastify/bare',
    'target (alert/bare)',
  ],
  [
    row('connect p50 (ms)', (r) => percentile(r.connectMs, 50)),
    row('connect p99 (ms)', (r) => percentile(r.connectMs, 99)),
    row('RSS per connection (KiB)', (r) => r.rssPerConnection / 1024, 1.3),
    row('pong RTT p50 (ms)', (r) => percentile(r.rttMs, 50), 1.3),
    row('pong RTT p99 (ms)', (r) => percentile(r.rttMs, 99), 1.3),
    row('fan-out p50 (ms)', (r) => percentile(r.fanoutMs, 50)),
    row('fan-out p99 (ms)', (r) => percentile(r.fanoutMs, 99)),
  ],
);
