// Alert frames, the bytes a socket is handed: the socket link's AlertWireFrames (written byte by
// byte into the frame's buffer), the text AlertFrames encodes then framed (what the link did
// before), and encodeMessage (JSON.stringify) per send then framed (before that), in the same
// run, alternating, several rounds; medians. Two workloads, each a frame per socket an alert
// goes to:
//   batch     one alert to --users users (a batch publish: seq, id and user differ, the rest is
//             shared), one socket each
//   hot user  --alerts alerts to one user with --tabs sockets (tabs)
// Prints ns per frame and the ratios to JSON.stringify. The frames are checked to be the same
// bytes first.
//
//   npx tsx bench/server/frames.ts [--users 10000] [--alerts 2000] [--tabs 50] [--rounds 7]
import { parseArgs } from 'node:util';
import { encodeMessage, type BreachAlertMessage } from '../../src/protocol/index.js';
import { createMemoryBroker } from '../../src/server/broker/memory.js';
import { AlertFrames } from '../../src/server/core/alert-frame.js';
import { createRandomIds } from '../../src/server/core/random-ids.js';
import { AlertWireFrames } from '../../src/server/routes/alert-wire.js';
import { TextFrames, textFrame } from '../../src/server/routes/text-frame.js';
import { fmt, median, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    alerts: { type: 'string', default: '2000' },
    tabs: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '7' },
  },
});
const USERS = Number(values.users);
const ALERTS = Number(values.alerts);
const TABS = Number(values.tabs);
const ROUNDS = Number(values.rounds);
for (const [name, value] of Object.entries({ USERS, ALERTS, TABS, ROUNDS })) {
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`frames: --${name.toLowerCase()} takes a positive integer`);
    process.exit(2);
  }
}

const broker = createMemoryBroker();
// Ids as the server makes them.
const createId = createRandomIds();
const publishedAt = new Date().toISOString();
const fields = { severity: 'HIGH', source: 'bench', detectedAt: publishedAt } as const;
// A few batches, so the shared fields change between them as they do between publishes.
const batches: BreachAlertMessage[][] = [];
for (let b = 0; b < 3; b++) {
  batches.push(
    await broker.publishBatch(
      Array.from({ length: USERS }, (_, i) => ({
        userId: `user-${i}`,
        title: `breach ${b}`,
        ...fields,
      })),
      publishedAt,
      Array.from({ length: USERS }, createId),
    ),
  );
}
const hot: BreachAlertMessage[] = [];
for (let a = 0; a < ALERTS; a++) {
  hot.push(
    await broker.publish(
      { userId: 'hot-user', title: `breach ${a}`, ...fields },
      new Date().toISOString(),
      createId(),
    ),
  );
}

/** Frames every alert of a workload with `frame`; returns a checksum so nothing is elided. */
type Workload = (frame: (alert: BreachAlertMessage) => Buffer) => number;
const workloads: Record<string, { frames: number; run: Workload }> = {
  [`batch: 1 alert to ${USERS} users`]: {
    frames: batches.length * USERS,
    run: (encode) => {
      let sum = 0;
      for (const alerts of batches) for (const alert of alerts) sum += encode(alert).length;
      return sum;
    },
  },
  [`hot user: ${ALERTS} alerts to ${TABS} tabs`]: {
    frames: ALERTS * TABS,
    run: (encode) => {
      let sum = 0;
      for (const alert of hot) for (let t = 0; t < TABS; t++) sum += encode(alert).length;
      return sum;
    },
  },
};

const wire = new AlertWireFrames();
for (const alert of [...batches.flat(), ...hot]) {
  const text = encodeMessage(alert);
  if (new AlertFrames().encode(alert) !== text || !wire.frame(alert).equals(textFrame(text))) {
    throw new Error(`frames differ for seq ${alert.seq}`);
  }
}

type Peer = 'wire' | 'text' | 'stringify';
/** A fresh framer of each kind: a server holds one for its life, a fresh one starts cold. */
const framers: Record<Peer, () => (alert: BreachAlertMessage) => Buffer> = {
  wire: () => {
    const frames = new AlertWireFrames();
    return (alert) => frames.frame(alert);
  },
  // As the socket link did: the text, framed once for all of a user's tabs.
  text: () => {
    const frames = new AlertFrames();
    const texts = new TextFrames();
    return (alert) => texts.frame(frames.encode(alert));
  },
  stringify: () => (alert) => textFrame(encodeMessage(alert)),
};
const PEERS = Object.keys(framers) as Peer[];

console.log(
  `alert frames, as written to the socket: AlertWireFrames, AlertFrames' text framed, encodeMessage per send framed; ${ROUNDS} rounds in rotating order, medians (node ${process.version})`,
);
const rows: string[][] = [];
for (const [name, workload] of Object.entries(workloads)) {
  const ns: Record<Peer, number[]> = { wire: [], text: [], stringify: [] };
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (let k = 0; k < PEERS.length; k++) {
      const peer = PEERS[(round + k) % PEERS.length]!;
      const frame = framers[peer]();
      const start = performance.now();
      workload.run(frame);
      // The first round warms every framer up and is not counted.
      if (round > 0) ns[peer].push(((performance.now() - start) * 1e6) / workload.frames);
    }
  }
  const [w, t, s] = PEERS.map((peer) => median(ns[peer])) as [number, number, number];
  rows.push([name, fmt(w, 0), fmt(t, 0), fmt(s, 0), fmt(w / s), fmt(t / s)]);
}
printTable(
  [
    'workload',
    'AlertWireFrames ns/frame',
    'AlertFrames + frame ns/frame',
    'stringify + frame ns/frame',
    'wire ÷ stringify',
    'text ÷ stringify',
  ],
  rows,
);
