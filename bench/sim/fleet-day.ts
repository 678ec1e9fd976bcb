// 10,000 clients × 24 h in simulation with default client timings (ping every 30 s) and a
// realistic fault mix; the peer is the same fleet-day at 1,000 clients, measured in the same
// run, to show how the simulator scales. Each size runs in its own process so peak RSS is its
// own, on the compiled build and the way `stormwatch sim` runs it (`simulateInWorker`: a thread
// with a young generation sized for simulation; `npm run build` first).
// Prints figures; not a test.
//
//   npx tsx bench/sim/fleet-day.ts [--clients 10000] [--peer 1000] [--hours 24]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Runner from '../../src/runner/index.js';
import type * as Sim from '../../src/sim/index.js';

const DIST = new URL('../../dist/', import.meta.url);

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    peer: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '24' },
    child: { type: 'boolean', default: false },
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

async function measure(clients: number, hours: number): Promise<Figures> {
  const { parseScenario } = (await import(new URL('runner/index.js', DIST).href)) as typeof Runner;
  const { simulateInWorker } = (await import(new URL('sim/index.js', DIST).href)) as typeof Sim;
  const scenario = parseScenario(fleetDay(clients, hours), 'bench/sim/fleet-day.yaml');
  const start = performance.now();
  const result = await simulateInWorker(scenario, { progressEveryMs: 600_000 });
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

function runChild(clients: number, hours: number): Figures {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      '--clients',
      String(clients),
      '--hours',
      String(hours),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`child for ${clients} clients exited ${child.status}`);
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
if (!existsSync(new URL('sim/index.js', DIST))) {
  console.error('fleet-day: no compiled build in dist/; run `npm run build` first');
  process.exit(2);
}
if (values.child) {
  console.log(JSON.stringify(await measure(Number(values.clients), hours)));
} else {
  console.log(
    `fleet-day: simulated clients, default timings (ping 30 s), drops (MTBF 8 h), diurnal latency, 12 s latency, 2 restarts, 5 % outage, resets`,
  );
  const peer = runChild(Number(values.peer), hours);
  print(peer);
  const main = runChild(Number(values.clients), hours);
  print(main);
  const ratio = main.clients / peer.clients;
  console.log(
    `scaling ${fmt(ratio)}× clients: ${fmt(main.wallS / peer.wallS, 2)}× wall time, ${fmt(main.events / peer.events, 2)}× events, ${fmt(main.events / main.wallS / (peer.events / peer.wallS), 2)}× events/s, ${fmt(main.peakRssMiB / peer.peakRssMiB, 2)}× peak RSS`,
  );
  const clientHours = main.clients * main.virtualHours;
  if (main.clients >= 10_000 && main.virtualHours >= 24) {
    const target = main.wallS < 60 && main.peakRssMiB < 2048;
    console.log(
      `target (10k × 24 h under 60 s and 2 GiB): ${target ? 'met' : 'MISSED'} (${fmt(main.wallS, 1)} s, ${fmt(main.peakRssMiB)} MiB)`,
    );
  } else {
    // Smaller runs only estimate the target's wall time from the measured throughput.
    const estimateS = (240_000 / clientHours) * main.wallS;
    console.log(
      `target (10k × 24 h under 60 s and 2 GiB) not measured in this run; at this run's ${fmt(clientHours / main.wallS)} client-hours/s it would take about ${fmt(estimateS)} s`,
    );
  }
}
