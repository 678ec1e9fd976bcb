// One alert to every user, two builds of the alert server side by side: each build in its own
// process with the same users connected to it, batch publishes to every user alternating
// between the two (the order flips each round), so a machine whose speed drifts within minutes
// weighs on both alike. Prints, per build, the medians of each publish's receive p99 (publish →
// the clients' receipt), of the call, and of the server's CPU time for it (from /proc), then the
// second build's ratios to the first's.
//
//   npx tsx bench/server/fanout-builds.ts --builds DIR,DIR [--users 8000] [--rounds 30]
//
// A build is a directory holding the compiled server (`<dir>/server/index.js`, as `npm run
// build` writes to dist/): for instance a worktree of an older commit, built, against dist/.
// Two warm-up rounds go first and are not counted. Traffic stays on 127.0.0.1; both servers are
// stopped at the end.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { signToken } from '../../src/server/index.js';
import { startNode, type Child } from '../lib/child.js';
import { fmt, median, percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    builds: { type: 'string' },
    users: { type: 'string', default: '8000' },
    rounds: { type: 'string', default: '30' },
  },
});
const builds = (values.builds ?? '').split(',').filter((dir) => dir !== '');
const USERS = Number(values.users);
const ROUNDS = Number(values.rounds);
const WARM_UP = 2;
const SECRET = 'bench-secret';
if (
  builds.length !== 2 ||
  !Number.isInteger(USERS) ||
  USERS < 1 ||
  USERS > 9_000 ||
  !Number.isInteger(ROUNDS) ||
  ROUNDS < 1
) {
  console.error(
    'fanout-builds: --builds takes two build directories (DIR,DIR); --users an integer from 1 to 9,000 (each user costs this process a socket per build); --rounds a positive integer',
  );
  process.exit(2);
}
for (const dir of builds) {
  if (!existsSync(resolve(dir, 'server/index.js'))) {
    console.error(`fanout-builds: no compiled server in ${dir} (expected ${dir}/server/index.js)`);
    process.exit(2);
  }
}

// The child: the build's buildServer with the `server` bench's options, on a free port.
const CHILD = `
const { buildServer } = await import(process.env.BENCH_BUILD + '/server/index.js');
const app = await buildServer({
  auth: { secret: ${JSON.stringify(SECRET)} },
  logger: false,
  defaultMetrics: false,
  limits: { connectsPerMinute: 1_000_000, messagesPerSecond: 1000 },
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write('READY ' + new URL(address).port + '\\n');
process.on('SIGTERM', () => process.exit(0));
`;

interface Target {
  dir: string;
  child: Child;
  p99Ms: number[];
  callMs: number[];
  cpuMs: number[];
}

async function start(dir: string): Promise<Target> {
  const child = await startNode(
    ['--input-type=module', '-e', CHILD],
    { BENCH_BUILD: resolve(dir) },
    `${dir}: the server`,
  );
  return { dir, child, p99Ms: [], callMs: [], cpuMs: [] };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// The publish in flight: its title, when it started, each client's receive time.
let current: { title: string; started: number; receiveMs: number[]; done: () => void } | undefined;

async function connectAll(target: Target, tokens: string[]): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < USERS; i += 100) {
    const batch = Array.from(
      { length: Math.min(100, USERS - i) },
      (_, k) =>
        new Promise<void>((opened, failed) => {
          const socket = new WebSocket(
            `ws://127.0.0.1:${target.child.port}/ws/breach-alerts/user-${i + k}`,
            { headers: { authorization: `Bearer ${tokens[i + k]}` } },
          );
          sockets.push(socket);
          socket.on('message', (data: Buffer) => {
            const message = JSON.parse(data.toString()) as { type: string; title?: string };
            if (message.type === 'hello') {
              // Live at once (the server otherwise waits up to 1 s for a resume).
              socket.send(JSON.stringify({ type: 'ping', id: 'warm' }));
              opened();
            } else if (message.type === 'breach_alert') {
              const publish = current;
              if (publish === undefined || message.title !== publish.title) return;
              publish.receiveMs.push(performance.now() - publish.started);
              if (publish.receiveMs.length === USERS) publish.done();
            }
          });
          socket.once('error', failed);
        }),
    );
    await Promise.all(batch);
  }
  return sockets;
}

const targets: Target[] = [];
const sockets: WebSocket[] = [];
try {
  for (const dir of builds) targets.push(await start(dir));
  const tokens = await Promise.all(
    Array.from({ length: USERS }, (_, i) => signToken({ sub: `user-${i}` }, SECRET)),
  );
  const publisher = await signToken({ sub: 'bench', role: 'publisher' }, SECRET);
  for (const target of targets) sockets.push(...(await connectAll(target, tokens)));
  const userIds = Array.from({ length: USERS }, (_, i) => `user-${i}`);
  console.log(
    `fan-out to ${USERS} users, two builds alternating, ${ROUNDS} rounds after ${WARM_UP} warm-up (node ${process.version})`,
  );
  for (let round = 0; round < WARM_UP + ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      await sleep(700);
      const title = `everyone-${round}`;
      let done: () => void = () => undefined;
      const all = new Promise<void>((settle) => (done = settle));
      current = { title, started: performance.now(), receiveMs: [], done };
      const cpuBefore = target.child.cpuSeconds();
      const response = await fetch(`http://127.0.0.1:${target.child.port}/api/alerts/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
        body: JSON.stringify({ userIds, severity: 'HIGH', title, source: 'bench' }),
      });
      const callMs = performance.now() - current.started;
      if (response.status !== 201) {
        throw new Error(`${target.dir}: the batch publish answered ${response.status}`);
      }
      await Promise.race([all, sleep(30_000)]);
      // The last writes' CPU lands in the server's clock ticks a little after the receipt.
      await sleep(50);
      const cpu = (target.child.cpuSeconds() - cpuBefore) * 1000;
      const received = current.receiveMs;
      current = undefined;
      if (received.length !== USERS) {
        throw new Error(`${target.dir}: ${received.length} of ${USERS} users received the alert`);
      }
      if (round < WARM_UP) continue;
      target.p99Ms.push(percentile(received, 99));
      target.callMs.push(callMs);
      target.cpuMs.push(cpu);
    }
  }
  const [first, second] = targets as [Target, Target];
  const row = (name: string, of: (t: Target) => number[]): string[] => {
    const a = median(of(first));
    const b = median(of(second));
    return [name, fmt(a), fmt(b), fmt(b / a)];
  };
  printTable(
    ['median of the rounds', first.dir, second.dir, 'second ÷ first'],
    [
      row('receive p99 (ms)', (t) => t.p99Ms),
      row('publish call (ms)', (t) => t.callMs),
      row('server CPU (ms)', (t) => t.cpuMs),
    ],
  );
} finally {
  for (const socket of sockets) socket.terminate();
  for (const target of targets) await target.child.stop();
}
