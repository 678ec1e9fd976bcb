// Simulated days, each in its own process so peak RSS is its own, on the compiled build and the
// way `stormwatch sim` runs it (`simulateInWorker`: a thread with a young generation sized for
// simulation; `npm run build` first). Cases, each against its target:
//   day-10k    the fleet-day (default timings: ping every 30 s; drops, diurnal latency, 12 s of
//              latency, two restarts, a 5 % outage, resets), 10,000 clients × 24 h: ≤ 60 s, 2 GiB;
//              the in-run peer of the others
//   pings-10k  steady state with 5 s pings, 10,000 clients × 24 h (172 M round trips): ≤ 60 s,
//              2 GiB
//   day-100k   the fleet-day at 100,000 clients × 24 h: ≤ 300 s, 8 GiB
//   day-100k-s2  the same day split over 2 shards (`stormwatch sim --shards 2`): one thread a
//              shard, each with half the users; same targets
// Prints wall time, events/s, client-hours per wall second and peak RSS, medians over rounds.
//
//   npx tsx bench/sim/fleet-day.ts [--cases day-10k,pings-10k,day-100k,day-100k-s2] [--rounds 1]
//     [--hours 24]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Runner from '../../src/runner/index.js';
import type * as Sim from '../../src/sim/index.js';

const DIST = new URL('../../dist/', import.meta.url);

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: 'day-10k,pings-10k,day-100k,day-100k-s2' },
    rounds: { type: 'string', default: '1' },
    hours: { type: 'string', default: '24' },
    child: { type: 'string' },
  },
});

/** The fleet-day: a calm network with a daily latency swing and the incidents of a real day. */
function fleetDay(clients: number, hours: number): string {
  const h = (x: number) => `${Math.round(x * hours * 60)}m`;
  return `
version: 1
title: Fleet day (${clients} clients, ${hours} h)
config:
  clients: ${clients}
  users: ${Math.ceil(clients / 2)}
  seed: 2024
  alertsPerSecond: 2
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  # Background: each connection drops about every 8 hours; latency swings 5 → 120 ms daily.
  - { at: 0s, action: sim.drops, mtbf: 8h, duration: ${h(1)} }
  - { at: 0s, action: sim.latency, base: 5ms, peak: 120ms, period: 24h, duration: ${h(1)} }
  # Incidents: a slow patch, a deploy (graceful restart), a regional outage, a crash.
  - { at: ${h(3 / 24)}, action: fault.latency, latency: 12s, jitter: 2s, stream: downstream, duration: 5m }
  - { at: ${h(6 / 24)}, action: server.restart, graceful: true, downtime: 5s }
  - { at: ${h(12 / 24)}, action: sim.outage, fraction: 0.05, duration: 45s }
  - { at: ${h(15 / 24)}, action: fault.reset_peer, timeout: 0, toxicity: 0.2, stream: downstream, duration: 30s }
  - { at: ${h(18 / 24)}, action: server.restart, graceful: false, downtime: 10s }
  # Full jitter can spend all 10 attempts well inside a 45 s outage (each refused attempt is
  # quick and the draws can be short): such clients sit in "failed" until the app reconnects.
  - { at: ${h(1)}, action: clients.reconnect }
  - { action: wait_until, probe: all-connected, timeout: 5m }
rollbacks:
  - { action: fault.reset }
thresholds:
  alerts_lost: ["count==0"]
  alerts_duplicated: ["count==0"]
  reconnect_success_ratio: ["rate>0.99"]
  uptime_ratio: ["value>0.99"]
`;
}

/** The steady state (scenarios/steady.yaml's) with 5 s pings, at `clients` for `hours`. */
function pingsDay(clients: number, hours: number): string {
  return `
version: 1
title: Steady state with 5 s pings (${clients} clients, ${hours} h)
config:
  clients: ${clients}
  seed: 1
  alertsPerSecond: 5
  client: { pingInterval: 5s }
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  - { action: wait, duration: ${Math.round(hours * 60)}m }
thresholds:
  uptime_ratio: ["value>0.99"]
  pong_rtt_seconds: ["p(95)<0.1"]
  disconnections: ["count==0"]
  alerts_lost: ["count==0"]
  alerts_duplicated: ["count==0"]
`;
}

interface Case {
  clients: number;
  /** Threads the fleet is split over (default 1). */
  shards?: number;
  scenario: (clients: number, hours: number) => string;
  /** Targets at 24 h. */
  maxWallS: number;
  maxRssMiB: number;
}
const CASES: Record<string, Case> = {
  'day-10k': { clients: 10_000, scenario: fleetDay, maxWallS: 60, maxRssMiB: 2048 },
  'pings-10k': { clients: 10_000, scenario: pingsDay, maxWallS: 60, maxRssMiB: 2048 },
  'day-100k': { clients: 100_000, scenario: fleetDay, maxWallS: 300, maxRssMiB: 8192 },
  'day-100k-s2': {
    clients: 100_000,
    shards: 2,
    scenario: fleetDay,
    maxWallS: 300,
    maxRssMiB: 8192,
  },
};

interface Figures {
  clients: number;
  wallS: number;
  events: number;
  virtualHours: number;
  peakRssMiB: number;
  verdict: string;
  reason: string | undefined;
  disconnections: number;
  published: number;
  delivered: number;
  lost: number;
  connections: number;
  echoed: number;
  playedOut: number;
}

async function measure(name: string, hours: number): Promise<Figures> {
  const { parseScenario } = (await import(new URL('runner/index.js', DIST).href)) as typeof Runner;
  const { simulateInWorker } = (await import(new URL('sim/index.js', DIST).href)) as typeof Sim;
  const { clients, shards = 1, scenario: text } = CASES[name]!;
  const scenario = parseScenario(text(clients, hours), `bench/sim/${name}.yaml`);
  const start = performance.now();
  const result = await simulateInWorker(scenario, { progressEveryMs: 600_000, shards });
  const wallS = (performance.now() - start) / 1000;
  const r = result.report;
  return {
    clients,
    wallS,
    events: result.events,
    virtualHours: result.virtualMs / 3_600_000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    verdict: r.verdict,
    reason: r.reason,
    disconnections: r.metrics.disconnections,
    published: r.alerts.published,
    delivered: r.alerts.delivered,
    lost: r.alerts.lost,
    connections: result.connections,
    echoed: result.echoes.echoed,
    playedOut: result.echoes.playedOut,
  };
}

function runChild(name: string, hours: number): Figures {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name, '--hours', String(hours)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`${name} exited ${child.status}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Figures;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function print(f: Figures): void {
  const clientHours = f.clients * f.virtualHours;
  console.log(
    `${fmt(f.clients).padStart(7)} clients × ${fmt(f.virtualHours, 2)} h: ${fmt(f.wallS, 1)} s wall · ${fmt(f.events)} events (${fmt(f.events / f.wallS)} events/s) · ${fmt(clientHours)} client-hours (${fmt(clientHours / f.wallS)}/s) · peak RSS ${fmt(f.peakRssMiB)} MiB`,
  );
  console.log(
    `          verdict ${f.verdict}${f.reason === undefined ? '' : ` (${f.reason})`} · ${fmt(f.connections)} connections · ${fmt(f.disconnections)} disconnections · alerts ${fmt(f.published)} published, ${fmt(f.delivered)} delivered, ${fmt(f.lost)} lost`,
  );
  console.log(
    `          heartbeats played without frames ${fmt(f.echoed)} (handed back with the ping out ${fmt(f.playedOut)})`,
  );
}

const hours = Number(values.hours);
const rounds = Number(values.rounds);
const names = values.cases.split(',').filter((n) => n !== '');
const unknown = names.filter((n) => CASES[n] === undefined);
if (unknown.length > 0 || !(hours > 0) || !Number.isInteger(rounds) || rounds < 1) {
  console.error(
    `fleet-day: --cases takes ${Object.keys(CASES).join(', ')}; --hours a positive number; --rounds a positive integer`,
  );
  process.exit(2);
}
if (!existsSync(new URL('sim/index.js', DIST))) {
  console.error('fleet-day: no compiled build in dist/; run `npm run build` first');
  process.exit(2);
}
if (values.child !== undefined) {
  console.log(JSON.stringify(await measure(values.child, hours)));
} else {
  console.log(
    `simulated days: ${names.join(', ')} × ${hours} h, ${rounds} round(s), each case in its own process (node ${process.version})`,
  );
  const medians = new Map<string, Figures>();
  for (const name of names) {
    const runs: Figures[] = [];
    for (let r = 0; r < rounds; r++) {
      const f = runChild(name, hours);
      runs.push(f);
      console.log(`${name} round ${r + 1}:`);
      print(f);
    }
    const mid = [...runs].sort((a, b) => a.wallS - b.wallS)[Math.floor((runs.length - 1) / 2)]!;
    medians.set(name, { ...mid, peakRssMiB: Math.max(...runs.map((f) => f.peakRssMiB)) });
  }
  console.log(`\nmedian wall of ${rounds} round(s), highest peak RSS:`);
  const peer = medians.get('day-10k');
  for (const [name, f] of medians) {
    const c = CASES[name]!;
    const clientHours = f.clients * f.virtualHours;
    const met = f.wallS <= c.maxWallS && f.peakRssMiB <= c.maxRssMiB;
    const vsPeer =
      peer === undefined || name === 'day-10k'
        ? ''
        : ` · ${fmt(clientHours / f.wallS / ((peer.clients * peer.virtualHours) / peer.wallS), 2)}× the 10k day's client-hours/s`;
    // A sharded case against the same fleet on one thread, when both ran.
    const alone = c.shards === undefined ? undefined : medians.get(name.replace(/-s\d+$/, ''));
    const vsAlone =
      alone === undefined ? '' : ` · ${fmt(alone.wallS / f.wallS, 2)}× as fast as on one thread`;
    console.log(
      `  ${name.padEnd(11)} ${fmt(f.wallS, 1)} s · ${fmt(f.events / f.wallS)} events/s · ${fmt(clientHours / f.wallS)} client-hours/s · ${fmt(f.peakRssMiB)} MiB${vsPeer}${vsAlone} — target ≤ ${c.maxWallS} s and ${fmt(c.maxRssMiB)} MiB${hours >= 24 ? `: ${met ? 'met' : 'MISSED'}` : ' (judged at 24 h only)'}`,
    );
  }
}
