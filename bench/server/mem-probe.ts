// Investigates where the alert server's per-connection memory goes: connects N clients to a
// child server and reads its heap after gc.
//   npx tsx bench/server/mem-probe.ts [--connections 2000] [--target alert|bare]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { signToken } from '../../src/server/index.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '2000' },
    target: { type: 'string', default: 'alert' },
  },
});
const N = Number(values.connections);
const script =
  values.target === 'alert'
    ? 'child-alert-server.ts'
    : values.target === 'fastify'
      ? 'child-fastify-min.ts'
      : 'child-bare-ws.ts';
const child = spawn(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))],
  {
    env: { ...process.env, BENCH_SECRET: 'bench-secret', BENCH_MEM: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const port = await new Promise<number>((resolve) => {
  child.stdout.on('data', (c: Buffer) => {
    const m = /READY (\d+)/.exec(c.toString());
    if (m) resolve(Number(m[1]));
  });
});
const mem = async () =>
  (await (await fetch(`http://127.0.0.1:${port}/debug/mem`)).json()) as Record<string, number>;
const before = await mem();
const sockets: WebSocket[] = [];
for (let i = 0; i < N; i += 100) {
  await Promise.all(
    Array.from({ length: Math.min(100, N - i) }, async (_, k) => {
      const token = await signToken({ sub: `user-${i + k}` }, 'bench-secret');
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/breach-alerts/user-${i + k}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      sockets.push(ws);
      await new Promise((r) => ws.once('message', r));
      ws.send(JSON.stringify({ type: 'ping', id: 'x' }));
    }),
  );
}
await new Promise((r) => setTimeout(r, 1500));
const after = await mem();
for (const key of Object.keys(after))
  console.log(
    `${key.padEnd(14)} ${(((after[key] ?? 0) - (before[key] ?? 0)) / N / 1024).toFixed(2)} KiB/conn`,
  );
for (const s of sockets) s.terminate();
child.kill('SIGKILL');
