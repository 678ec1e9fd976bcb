// Alert server vs a bare `ws` server, naive Fastify + @fastify/websocket and Socket.IO 4, each
// with the same handlers, in one run: connect time, RSS per connection, pong RTT with every
// client pinging once a second, publish→receive latency of single alerts to random users, and
// one alert to every user (the alert server's batch publish; the peers' one broadcast). Prints
// each and the ratios to bare `ws` (the floor).
//
//   npx tsx bench/server/compare.ts [--connections 5000] [--seconds 10] [--alerts 200]
//     [--rounds 3] [--fan-outs 7] [--peers alert-server,fastify-naive,socket.io]
//
// Each peer's first fan-outs to everyone run in a process whose batch or broadcast path has not
// been compiled yet: WARM_UP_FAN_OUTS of them go first and are reported apart (the cold row),
// the next --fan-outs are the measured ones, for every peer alike (a round's figure is their
// median: one fan-out's p99 moves by tens of percent on a busy machine).
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
    'fan-outs': { type: 'string', default: '7' },
    peers: { type: 'string', default: 'alert-server,fastify-naive,socket.io' },
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
  /** From the first connect to the last hello, CONCURRENCY at a time. */
  connectAllMs: number;
  rssPerConnection: number;
  rttMs: number[];
  fanoutMs: number[];
  /** Per fan-out to everyone: each client's publish→receive time, and the publish call's. */
  everyone: Array<{ receiveMs: number[]; callMs: number }>;
  /** The same for the warm-up fan-outs, the process's first. */
  coldEveryone: Array<{ receiveMs: number[]; callMs: number }>;
}

/** How a peer's frames look on the wire: protocol v1's JSON, or Socket.IO 4 over Engine.IO 4. */
type Dialect = 'json' | 'socketio';
interface Frame {
  type: string;
  id?: string;
  title?: string;
}
const FAN_OUTS_TO_EVERYONE = Number(values['fan-outs']);
const WARM_UP_FAN_OUTS = 2;

function encode(dialect: Dialect, type: string, payload: Record<string, unknown>): string {
  return dialect === 'json'
    ? JSON.stringify({ type, ...payload })
    : `42${JSON.stringify([type, payload])}`;
}

/** The frame's message, or undefined for Engine.IO's own (answered here: open, ping). */
function decode(dialect: Dialect, data: Buffer, socket: WebSocket): Frame | undefined {
  const text = data.toString();
  if (dialect === 'json') return JSON.parse(text) as Frame;
  if (text.startsWith('42')) {
    const [type, payload] = JSON.parse(text.slice(2)) as [string, Omit<Frame, 'type'>];
    return { type, ...payload };
  }
  if (text === '2')
    socket.send('3'); // Engine.IO heartbeat
  else if (text.startsWith('0')) socket.send('40'); // open: join the main namespace
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(name: string, child: Child, peer: PeerSpec): Promise<Result> {
  const { auth, dialect } = peer;
  const url = (i: number): string =>
    dialect === 'json'
      ? `ws://127.0.0.1:${child.port}/ws/breach-alerts/user-${i}`
      : `ws://127.0.0.1:${child.port}/socket.io/?EIO=4&transport=websocket&user=user-${i}`;
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
  // The fan-out to everyone in flight: its title, start and each client's receive time.
  let everyone:
    { title: string; started: number; receiveMs: number[]; done: () => void } | undefined;

  const open = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const socket = new WebSocket(
        url(i),
        auth ? { headers: { authorization: `Bearer ${tokens[i]}` } } : {},
      );
      sockets[i] = socket;
      socket.on('message', (data) => {
        const message = decode(dialect, data as Buffer, socket);
        if (message === undefined) return;
        if (message.type === 'hello') {
          connectMs.push(performance.now() - started);
          // Go live at once (the alert server otherwise waits up to 1 s for a resume).
          socket.send(encode(dialect, 'ping', { id: `warm-${i}` }));
          resolve();
        } else if (message.type === 'pong' && message.id !== undefined) {
          const sent = pending.get(message.id);
          if (sent !== undefined) {
            pending.delete(message.id);
            if (measuring) rttMs.push(performance.now() - sent);
          }
        } else if (message.type === 'breach_alert' && message.title !== undefined) {
          if (everyone !== undefined && message.title === everyone.title) {
            everyone.receiveMs.push(performance.now() - everyone.started);
            if (everyone.receiveMs.length === N) everyone.done();
            return;
          }
          alertWaiters.get(message.title)?.(performance.now());
        }
      });
      socket.once('error', reject);
    });

  const connectStart = performance.now();
  for (let i = 0; i < N; i += CONCURRENCY) {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, N - i) }, (_, k) => open(i + k)));
  }
  const connectAllMs = performance.now() - connectStart;
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
      socket.send(encode(dialect, 'ping', { id }));
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

  // One alert to every user: the alert server assigns each user's seq and stores each user's
  // copy in one batch call; the peers send one message to every socket.
  const everyoneRuns: Result['everyone'] = [];
  const coldRuns: Result['everyone'] = [];
  const userIds = Array.from({ length: N }, (_, i) => `user-${i}`);
  for (let k = 0; k < WARM_UP_FAN_OUTS + FAN_OUTS_TO_EVERYONE; k++) {
    await sleep(1000);
    const title = `everyone-${k}`;
    const fields = { severity: 'HIGH', title, source: 'bench' };
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    const run = { title, started: performance.now(), receiveMs: [] as number[], done };
    everyone = run;
    const response = await fetch(
      `http://127.0.0.1:${child.port}/api/${auth ? 'alerts/batch' : 'broadcast'}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(auth ? { authorization: `Bearer ${publisher}` } : {}),
        },
        body: JSON.stringify(auth ? { userIds, ...fields } : fields),
      },
    );
    const callMs = performance.now() - run.started;
    if (response.status !== 201)
      throw new Error(`${name}: fan-out to everyone answered ${response.status}`);
    await Promise.race([all, sleep(30_000)]);
    everyone = undefined;
    (k < WARM_UP_FAN_OUTS ? coldRuns : everyoneRuns).push({ receiveMs: run.receiveMs, callMs });
  }

  for (const socket of sockets) socket.terminate();
  console.error(
    `${name}: ${connectMs.length} connected, ${rttMs.length} pongs, ${fanoutMs.length}/${ALERTS} alerts, to everyone ${[...coldRuns, ...everyoneRuns].map((r) => `${r.receiveMs.length} (p99 ${fmt(percentile(r.receiveMs, 99))} ms)`).join(' / ')} of ${N}`,
  );
  return {
    connectMs,
    connectAllMs,
    rssPerConnection: (rssAfter - rssBefore) / N,
    rttMs,
    fanoutMs,
    everyone: everyoneRuns,
    coldEveryone: coldRuns,
  };
}

interface PeerSpec {
  script: string;
  auth: boolean;
  dialect: Dialect;
}
const peers = {
  'bare-ws': { script: './child-bare-ws.ts', auth: false, dialect: 'json' },
  'alert-server': { script: './child-alert-server.ts', auth: true, dialect: 'json' },
  'fastify-naive': { script: './child-fastify-min.ts', auth: false, dialect: 'json' },
  'socket.io': { script: './child-socketio.ts', auth: false, dialect: 'socketio' },
} as const satisfies Record<string, PeerSpec>;
type Peer = keyof typeof peers;
// bare `ws` is the floor every ratio is taken against: it always runs.
const asked = values.peers.split(',').filter((n) => n !== '');
const unknownPeer = asked.find((n) => !(n in peers));
if (unknownPeer !== undefined || asked.length === 0) {
  console.error(
    `compare: --peers takes a comma-separated list of ${Object.keys(peers).join(', ')}; got ${JSON.stringify(values.peers)}`,
  );
  process.exit(2);
}
if (!Number.isSafeInteger(FAN_OUTS_TO_EVERYONE) || FAN_OUTS_TO_EVERYONE < 1) {
  console.error(`compare: --fan-outs takes a positive integer; got ${values['fan-outs']}`);
  process.exit(2);
}
console.log(
  `stormwatch server bench: ${N} connections, ${SECONDS} s of 1 ping/s each, ${ALERTS} alerts, ${ROUNDS} rounds (node ${process.version})`,
);
const results: Record<Peer, Result[]> = {
  'bare-ws': [],
  'alert-server': [],
  'fastify-naive': [],
  'socket.io': [],
};
const names = (Object.keys(peers) as Peer[]).filter((n) => n === 'bare-ws' || asked.includes(n));
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so no peer always runs on a warmer (or more tired) machine.
  const order: Peer[] = names.map((_, k) => names[(k + round) % names.length]!);
  for (const name of order) {
    const child = await startChild(new URL(peers[name].script, import.meta.url), {
      BENCH_SECRET: SECRET,
    });
    results[name].push(await measure(name, child, peers[name]).finally(() => child.stop()));
  }
}

/** Column titles of the peers, in the table's order. */
const TITLES: Record<Peer, string> = {
  'alert-server': 'alert-server',
  'bare-ws': 'bare-ws',
  'fastify-naive': 'fastify',
  'socket.io': 'socket.io',
};
const shown = (['alert-server', 'bare-ws', 'fastify-naive', 'socket.io'] as const).filter((n) =>
  names.includes(n),
);
const others = shown.filter((n) => n !== 'bare-ws');
const hasAlert = names.includes('alert-server');

/**
 * The median over rounds of a per-round figure for each peer, and each one's ratio to bare `ws`
 * (the floor); the target applies to the alert server's. Peers run one after another in each
 * round, so a round's own ratio compares two runs minutes apart at most: the rounds' range of
 * that ratio is printed beside the median, and a target the range straddles is called mixed
 * rather than met or missed.
 */
const row = (label: string, pick: (r: Result) => number, target?: number): string[] => {
  const at = (peer: Peer): number => median(results[peer].map(pick));
  const floor = at('bare-ws');
  const perRound = hasAlert
    ? results['alert-server'].map((r, i) => pick(r) / pick(results['bare-ws'][i]!))
    : [];
  const low = Math.min(...perRound);
  const high = Math.max(...perRound);
  return [
    label,
    ...shown.map((peer) => fmt(at(peer))),
    ...others.map((peer) => fmt(at(peer) / floor)),
    hasAlert ? `${fmt(low)}–${fmt(high)}` : '',
    target === undefined || !hasAlert
      ? ''
      : verdictOf(at('alert-server') / floor, low, high, target),
  ];
};

/** met, MISSED, or mixed when the rounds' ratios fall on both sides of the target. */
function verdictOf(ratio: number, low: number, high: number, target: number): string {
  if (high <= target) return `<= ${target} met`;
  if (low > target) return `> ${target} MISSED`;
  return `${target} mixed (median ${ratio <= target ? 'met' : 'missed'})`;
}
/** Over a round's fan-outs to everyone: the median of a per-fan-out figure. */
const everyone = (pick: (run: Result['everyone'][number]) => number) => (r: Result) =>
  median(r.everyone.map(pick));
/** The same over the warm-up fan-outs. */
const coldEveryone = (pick: (run: Result['everyone'][number]) => number) => (r: Result) =>
  median(r.coldEveryone.map(pick));
console.log(
  `medians over ${ROUNDS} rounds (fan-out to everyone: ${WARM_UP_FAN_OUTS} warm-up, then ${FAN_OUTS_TO_EVERYONE} measured, a round):`,
);
printTable(
  [
    'metric',
    ...shown.map((peer) => TITLES[peer]),
    ...others.map((peer) => `${TITLES[peer].replace('-server', '')}/bare`),
    'alert/bare by round',
    'target (alert/bare)',
  ],
  [
    row('connect p50 (ms)', (r) => percentile(r.connectMs, 50)),
    row('connect p99 (ms)', (r) => percentile(r.connectMs, 99)),
    row('connect all (ms)', (r) => r.connectAllMs, 1.1),
    row('RSS per connection (KiB)', (r) => r.rssPerConnection / 1024, 1.1),
    row('pong RTT p50 (ms)', (r) => percentile(r.rttMs, 50), 1.1),
    row('pong RTT p99 (ms)', (r) => percentile(r.rttMs, 99), 1.1),
    row('one alert p50 (ms)', (r) => percentile(r.fanoutMs, 50)),
    row('one alert p99 (ms)', (r) => percentile(r.fanoutMs, 99)),
    row(
      'to everyone p99 (ms)',
      everyone((run) => percentile(run.receiveMs, 99)),
      1.2,
    ),
    row(
      'to everyone, call (ms)',
      everyone((run) => run.callMs),
    ),
    row(
      'to everyone, received',
      everyone((run) => run.receiveMs.length),
    ),
    row(
      'warm-up to everyone p99 (ms)',
      coldEveryone((run) => percentile(run.receiveMs, 99)),
    ),
  ],
);
