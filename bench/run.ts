// `npm run bench [-- name]`: lists or runs the benchmarks. Each prints its figures and the
// ratio against a peer measured in the same run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches: Record<string, { file: string; about: string }> = {
  server: {
    file: 'server/compare.ts',
    about: 'alert server vs bare ws: connect, RSS/conn, pong RTT, fan-out',
  },
  sim: {
    file: 'sim/fleet-day.ts',
    about:
      'simulated days: the 10,000-client fleet-day, 10,000 × 24 h of 5 s pings, the 100,000-client fleet-day (wall, events/s, client-hours/s, RSS)',
  },
  summary: {
    file: 'runner/summary.ts',
    about: 'report summary of 28 M pongs read in place vs summarized from a copy',
  },
  proxy: {
    file: 'proxy/overhead.ts',
    about: 'direct vs through the embedded proxy: added p99, throughput',
  },
  instances: {
    file: 'topology/instances.ts',
    about: '30,000 connections over 3 instances on Redis vs 10,000 on one in memory',
  },
  mutation: {
    file: 'mutation/run.ts',
    about:
      'one rule broken at a time (flood guard, acks, backoff cap, dedupe…): every mutant must be killed',
  },
  batch: {
    file: 'server/batch.ts',
    about: 'one alert to 10,000 users: one batch call vs 10,000 single publishes (memory, Redis)',
  },
  frames: {
    file: 'server/frames.ts',
    about:
      "alert frames as written to the socket: AlertWireFrames vs AlertFrames' text vs JSON.stringify per send (a batch to 10,000 users, one user with 50 tabs)",
  },
  'fanout-builds': {
    file: 'server/fanout-builds.ts',
    about:
      'one alert to every user, two builds of the alert server alternating (--builds DIR,DIR): receive p99, call, server CPU',
  },
  verify: {
    file: 'server/verify.ts',
    about: "token verification per upgrade: the server's HS256 path against jose's jwtVerify",
  },
  targets: {
    file: 'targets/compare.ts',
    about:
      "the fault scenarios against Django Channels, plain ws and Socket.IO, with stormwatch's client and each stack's own policy",
  },
  'busy-user': {
    file: 'busy-user/faults.ts',
    about: 'one user at 10 alerts/s through five faults: policy closes, lost, duplicated, recovery',
  },
};

const [name, ...rest] = process.argv.slice(2);
const selected = name === undefined ? Object.keys(benches) : [name];
for (const key of selected) {
  const bench = benches[key];
  if (bench === undefined) {
    console.error(`unknown bench "${key}" (expected ${Object.keys(benches).join(', ')})`);
    process.exit(1);
  }
  console.log(`\n== ${key}: ${bench.about}`);
  const file = fileURLToPath(new URL(bench.file, import.meta.url));
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...rest], {
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
