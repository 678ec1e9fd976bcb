/**
 * Proxy overhead, direct vs through the embedded proxy (its own process, no toxics), in one run
 * and over several rounds (medians):
 *  1. per-message round trip at ~1k msgs/s against an echo server (p50/p99, added p99);
 *  2. bulk throughput on loopback (MB/s direct vs proxied, ratio) and the proxy process's
 *     CPU-seconds per GiB moved;
 *  3. the proxy's memory for 1,000 idle proxied connections.
 * Loopback only; bounded in count and time.
 *
 *   npx tsx bench/proxy/overhead.ts [--rounds 3] [--bulk-mib 512]
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { startChild, type Child } from '../lib/child.js';
import { fmt, median, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    'bulk-mib': { type: 'string', default: '512' },
  },
});
const ROUNDS = Number(values.rounds);
const RATE_PER_S = 1000;
const MESSAGES = 3000; // 3 s at 1k msgs/s per path
const WARMUP = 300;
const MESSAGE = Buffer.alloc(64, 7);
const BULK_BYTES = Number(values['bulk-mib']) * 1024 * 1024;
const BULK_CHUNK = Buffer.alloc(256 * 1024, 1);
const BULK_TIMEOUT_MS = 60_000;
const IDLE_CONNECTIONS = 1000;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function percentileOf(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends one 64-byte message every 1/RATE s, timing each echo. */
async function measureRtt(port: number): Promise<{ p50: number; p99: number }> {
  const socket = await open(port);
  const rtts: number[] = [];
  let received = 0;
  let sentAt = 0;
  let resolveEcho: () => void = () => undefined;
  socket.on('data', (data: Buffer) => {
    received += data.length;
    if (received >= MESSAGE.length) {
      received -= MESSAGE.length;
      rtts.push(performance.now() - sentAt);
      resolveEcho();
    }
  });
  const interval = 1000 / RATE_PER_S;
  const start = performance.now();
  for (let i = 0; i < WARMUP + MESSAGES; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 0.5));
    while (performance.now() < due) {
      // Spin the last half millisecond for an even 1k msgs/s pace.
    }
    const echoed = new Promise<void>((resolve) => (resolveEcho = resolve));
    sentAt = performance.now();
    socket.write(MESSAGE);
    await echoed;
  }
  socket.destroy();
  const sorted = rtts.slice(WARMUP).sort((a, b) => a - b);
  return { p50: percentileOf(sorted, 50), p99: percentileOf(sorted, 99) };
}

/** Streams BULK_BYTES to the sink through `port`; MB/s as the sink saw them. */
async function measureThroughput(port: number, sinkDone: () => Promise<number>): Promise<number> {
  const socket = await open(port);
  const start = performance.now();
  const done = sinkDone();
  let sent = 0;
  while (sent < BULK_BYTES) {
    sent += BULK_CHUNK.length;
    if (!socket.write(BULK_CHUNK)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
  const bytes = await done;
  const seconds = (performance.now() - start) / 1000;
  socket.destroy();
  if (bytes !== BULK_BYTES) throw new Error(`the sink got ${bytes} of ${BULK_BYTES} bytes`);
  return bytes / 1e6 / seconds;
}

async function createProxy(api: number, name: string, upstreamPort: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${api}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` }),
  });
  if (response.status !== 201) throw new Error(`creating ${name}: ${response.status}`);
  const proxy = (await response.json()) as { listen: string };
  return Number(proxy.listen.split(':').pop());
}

interface Round {
  direct: { p50: number; p99: number };
  proxied: { p50: number; p99: number };
  directMBs: number;
  proxiedMBs: number;
  cpuPerGiB: number;
  idleKiBPerConnection: number;
}

async function round(
  child: Child,
  echoPort: number,
  sinkPort: number,
  sinkDone: () => Promise<number>,
): Promise<Round> {
  const api = child.port;
  const echoProxy = await createProxy(api, `echo-${Date.now()}`, echoPort);
  const sinkProxy = await createProxy(api, `sink-${Date.now()}`, sinkPort);
  const direct = await measureRtt(echoPort);
  const proxied = await measureRtt(echoProxy);
  // Before the bulk transfers, whose buffers the proxy's heap would still be giving back.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rssBefore = child.rss();
  const idle: Socket[] = [];
  for (let i = 0; i < IDLE_CONNECTIONS; i += 50) {
    idle.push(...(await Promise.all(Array.from({ length: 50 }, () => open(echoProxy)))));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleKiBPerConnection = (child.rss() - rssBefore) / 1024 / IDLE_CONNECTIONS;
  for (const socket of idle) socket.destroy();
  const directMBs = await measureThroughput(sinkPort, sinkDone);
  const cpuBefore = child.cpuSeconds();
  const proxiedMBs = await measureThroughput(sinkProxy, sinkDone);
  const cpuPerGiB = (child.cpuSeconds() - cpuBefore) / (BULK_BYTES / 2 ** 30);

  return { direct, proxied, directMBs, proxiedMBs, cpuPerGiB, idleKiBPerConnection };
}

async function main(): Promise<void> {
  const echo = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  let onSinkEnd: (bytes: number) => void = () => undefined;
  const sink = createServer((socket) => {
    let bytes = 0;
    socket.on('data', (data: Buffer) => (bytes += data.length));
    socket.on('end', () => {
      onSinkEnd(bytes);
      socket.end();
    });
  });
  const echoPort = await listen(echo);
  const sinkPort = await listen(sink);
  const sinkDone = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bulk transfer timed out')), BULK_TIMEOUT_MS);
      onSinkEnd = (bytes) => {
        clearTimeout(timer);
        resolve(bytes);
      };
    });

  console.log(
    `proxy overhead: ${ROUNDS} rounds; RTT at ${RATE_PER_S} msgs/s × ${MESSAGES}; bulk ${BULK_BYTES / 2 ** 20} MiB one way; ${IDLE_CONNECTIONS} idle connections (node ${process.version})`,
  );
  const child = await startChild(new URL('./child-proxy.ts', import.meta.url));
  const rounds: Round[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const result = await round(child, echoPort, sinkPort, sinkDone);
      rounds.push(result);
      console.error(
        `round ${r + 1}: direct ${fmt(result.directMBs)} MB/s, proxied ${fmt(result.proxiedMBs)} MB/s, proxy ${fmt(result.cpuPerGiB)} CPU-s/GiB`,
      );
    }
  } finally {
    await child.stop();
    await new Promise((resolve) => echo.close(resolve));
    await new Promise((resolve) => sink.close(resolve));
  }
  const med = (pick: (r: Round) => number): number => median(rounds.map(pick));
  const us = (ms: number): string => fmt(ms * 1000);
  const addedP99 = med((r) => r.proxied.p99 - r.direct.p99);
  const ratio = med((r) => r.proxiedMBs / r.directMBs);
  const cpu = med((r) => r.cpuPerGiB);
  console.log(`medians over ${ROUNDS} rounds:`);
  printTable(
    ['metric', 'direct', 'proxied', 'proxied − or ÷ direct', 'target'],
    [
      [
        'echo RTT p50 (µs)',
        us(med((r) => r.direct.p50)),
        us(med((r) => r.proxied.p50)),
        us(med((r) => r.proxied.p50 - r.direct.p50)),
        '',
      ],
      [
        'echo RTT p99 (µs)',
        us(med((r) => r.direct.p99)),
        us(med((r) => r.proxied.p99)),
        us(addedP99),
        `added < 1000 µs: ${addedP99 < 1 ? 'met' : 'MISSED'}`,
      ],
      [
        'bulk (MB/s)',
        fmt(med((r) => r.directMBs)),
        fmt(med((r) => r.proxiedMBs)),
        fmt(ratio),
        `≥ 0.6× direct: ${ratio >= 0.6 ? 'met' : 'MISSED'}`,
      ],
      ['proxy CPU-s per GiB', '', fmt(cpu), '', `≤ 2.2: ${cpu <= 2.2 ? 'met' : 'MISSED'}`],
      ['proxy RSS per idle connection (KiB)', '', fmt(med((r) => r.idleKiBPerConnection)), '', ''],
    ],
  );
}

await main();
