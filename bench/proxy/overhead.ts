/**
 * Proxy overhead, direct vs through the embedded proxy with no toxics, in one run:
 *  1. per-message round-trip latency at ~1k msgs/s against an echo server (p50/p99, added p99);
 *  2. bulk throughput on loopback (MB/s direct vs proxied, ratio).
 * Loopback only; bounded in count and time. Run: npx tsx bench/proxy/overhead.ts
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createToxiproxyServer } from '../../src/proxy/index.js';

const RATE_PER_S = 1000;
const MESSAGES = 3000; // 3 s at 1k msgs/s per path
const WARMUP = 300;
const MESSAGE = Buffer.alloc(64, 7);
const BULK_BYTES = 512 * 1024 * 1024;
const BULK_CHUNK = Buffer.alloc(256 * 1024, 1);
const BULK_TIMEOUT_MS = 30_000;

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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends one 64-byte message every 1/RATE s, timing each echo. */
async function measureRtt(port: number): Promise<{ p50: number; p99: number; max: number }> {
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
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! };
}

/** Streams BULK_BYTES to a sink server; returns MB/s seen by the sink. */
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
  return bytes / 1e6 / seconds;
}

async function main(): Promise<void> {
  const echo = createServer((socket) => {
    socket.setNoDelay(true);
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
  const toxiproxy = createToxiproxyServer();
  const echoProxy = await toxiproxy.proxies.create({
    name: 'echo',
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${echoPort}`,
  });
  const sinkProxy = await toxiproxy.proxies.create({
    name: 'sink',
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${sinkPort}`,
  });
  const portOf = (listenAddress: string): number => Number(listenAddress.split(':').pop());
  const sinkDone = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bulk transfer timed out')), BULK_TIMEOUT_MS);
      onSinkEnd = (bytes) => {
        clearTimeout(timer);
        resolve(bytes);
      };
    });

  try {
    const directRtt = await measureRtt(echoPort);
    const proxiedRtt = await measureRtt(portOf(echoProxy.listen));
    const us = (valueMs: number): string => `${(valueMs * 1000).toFixed(0).padStart(5)} µs`;
    console.log(`RTT at ${RATE_PER_S} msgs/s, ${MESSAGES} x ${MESSAGE.length} B messages (echo):`);
    console.log(
      `  direct   p50 ${us(directRtt.p50)}  p99 ${us(directRtt.p99)}  max ${us(directRtt.max)}`,
    );
    console.log(
      `  proxied  p50 ${us(proxiedRtt.p50)}  p99 ${us(proxiedRtt.p99)}  max ${us(proxiedRtt.max)}`,
    );
    const addedP99 = proxiedRtt.p99 - directRtt.p99;
    console.log(
      `  added    p50 ${us(proxiedRtt.p50 - directRtt.p50)}  p99 ${us(addedP99)}   (target < 1000 µs: ${addedP99 < 1 ? 'met' : 'MISSED'})`,
    );

    const directMBs = await measureThroughput(sinkPort, sinkDone);
    const proxiedMBs = await measureThroughput(portOf(sinkProxy.listen), sinkDone);
    console.log(`Bulk throughput, ${BULK_BYTES / 1024 / 1024} MiB one way on loopback:`);
    console.log(`  direct   ${directMBs.toFixed(0).padStart(6)} MB/s`);
    console.log(
      `  proxied  ${proxiedMBs.toFixed(0).padStart(6)} MB/s   ratio ${(proxiedMBs / directMBs).toFixed(2)}   (target > 500 MB/s: ${proxiedMBs > 500 ? 'met' : 'MISSED'})`,
    );
  } finally {
    await toxiproxy.close();
    await new Promise((resolve) => echo.close(resolve));
    await new Promise((resolve) => sink.close(resolve));
  }
}

await main();
