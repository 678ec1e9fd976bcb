// Alert frames: the server's AlertFrames against encoding every send with encodeMessage
// (JSON.stringify, what the server did before), in the same run, alternating, several rounds;
// medians. Two workloads, each a frame per socket an alert goes to:
//   batch     one alert to --users users (a batch publish: seq, id and user differ, the rest is
//             shared), one socket each
//   hot user  --alerts alerts to one user with --tabs sockets (tabs)
// Prints ns per frame and the ratio. The frames are checked to carry the same fields first.
//
//   npx tsx bench/server/frames.ts [--users 10000] [--alerts 2000] [--tabs 50] [--rounds 7]
import { parseArgs } from 'node:util';
import { encodeMessage, type BreachAlertMessage } from '../../src/protocol/index.js';
import { createMemoryBroker } from '../../src/server/broker/memory.js';
import { AlertFrames } from '../../src/server/core/alert-frame.js';
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
      Array.from({ length: USERS }, () => globalThis.crypto.randomUUID()),
    ),
  );
}
const hot: BreachAlertMessage[] = [];
for (let a = 0; a < ALERTS; a++) {
  hot.push(
    await broker.publish(
      { userId: 'hot-user', title: `breach ${a}`, ...fields },
      new Date().toISOString(),
      globalThis.crypto.randomUUID(),
    ),
  );
}

/** Encodes every frame of a workload with `encode`; returns a checksum so nothing is elided. */
type Workload = (encode: (alert: BreachAlertMessage) => string) => number;
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

for (const alert of [...batches.flat(), ...hot]) {
  const frame = new AlertFrames().encode(alert);
  if (frame !== encodeMessage(alert)) throw new Error(`frames differ for seq ${alert.seq}`);
}

console.log(
  `alert frames: AlertFrames vs encodeMessage per send, ${ROUNDS} rounds alternating, medians (node ${process.version})`,
);
const rows: string[][] = [];
for (const [name, workload] of Object.entries(workloads)) {
  const ns: Record<'frames' | 'stringify', number[]> = { frames: [], stringify: [] };
  for (let round = 0; round < ROUNDS + 1; round++) {
    const order =
      round % 2 === 0 ? (['frames', 'stringify'] as const) : (['stringify', 'frames'] as const);
    for (const peer of order) {
      // A server holds one AlertFrames for its life; a fresh one a round starts cold.
      const frames = new AlertFrames();
      const encode =
        peer === 'frames'
          ? (alert: BreachAlertMessage) => frames.encode(alert)
          : (alert: BreachAlertMessage) => encodeMessage(alert);
      const start = performance.now();
      workload.run(encode);
      // The first round warms both up and is not counted.
      if (round > 0) ns[peer].push(((performance.now() - start) * 1e6) / workload.frames);
    }
  }
  const f = median(ns.frames);
  const s = median(ns.stringify);
  rows.push([name, fmt(f, 0), fmt(s, 0), fmt(f / s)]);
}
printTable(['workload', 'AlertFrames ns/frame', 'encodeMessage ns/frame', 'ratio'], rows);
