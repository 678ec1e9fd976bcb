// A fleet of 30,000 real connections over three server instances on Redis against the peer
// of 10,000 on one instance with the memory broker, in one run of this script. Both go
// through `stormwatch run` as a user would run them (fleet workers, proxy processes, the
// instances as `stormwatch serve` processes: the peer's one server is one too, via
// --server-cmd, so its memory is measured alone). Printed per run: the time to connect the
// whole herd, fan-out latency (publish → delivered, p50/p99), the instances' RSS per
// connection (peak of each server process over the run, summed, / connections) and every
// process of the run's RSS per connection; then the ratios big / peer.
//
//   npx tsx bench/topology/instances.ts [--clients 30000] [--peer 10000] [--hold 30s] [--rounds 1]
import { spawn } from 'node:child_process';
import { readFile, readdir, rm, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunReport } from '../../src/runner/index.js';
import { fmt, median, printTable } from '../lib/stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/stormwatch');

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '30000' },
    peer: { type: 'string', default: '10000' },
    hold: { type: 'string', default: '30s' },
    rate: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
  },
});

interface Sample {
  /** Lowest (at its start, before the fleet) and peak RSS of each process seen, KiB, by pid. */
  peakByPid: Map<number, { role: string; kib: number; lowKiB: number }>;
}

/** Every descendant of `pid` (children lists of each thread), depth first. */
async function descendants(pid: number): Promise<number[]> {
  const out: number[] = [];
  const walk = async (p: number) => {
    let tasks: string[];
    try {
      tasks = await readdir(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = await readFile(`/proc/${p}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(child);
        await walk(child);
      }
    }
  };
  await walk(pid);
  return out;
}

/** What a process of the run is, from its command line. */
function roleOf(cmdline: string): string {
  // The runner's own command line names `serve` too when it is given --server-cmd.
  if (cmdline.includes('redis-server')) return 'redis';
  if (cmdline.includes('fleet-worker')) return 'worker';
  if (/stormwatch run /.test(cmdline)) return 'runner';
  if (/stormwatch proxy /.test(cmdline)) return 'proxy';
  if (/stormwatch serve/.test(cmdline)) return 'server';
  return 'other';
}

async function sampleInto(root: number, sample: Sample): Promise<void> {
  for (const pid of [root, ...(await descendants(root))]) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      const role = roleOf(cmdline);
      if (role === 'other') continue;
      const seen = sample.peakByPid.get(pid);
      if (seen === undefined) sample.peakByPid.set(pid, { role, kib, lowKiB: kib });
      else {
        seen.kib = Math.max(seen.kib, kib);
        seen.lowKiB = Math.min(seen.lowKiB, kib);
      }
    } catch {
      // Exited between the listing and the read.
    }
  }
}

interface Outcome {
  label: string;
  clients: number;
  report: RunReport;
  serverKiB: number;
  /** What the servers grew by from their idle start: the connections' own cost. */
  serverGrowthKiB: number;
  totalKiB: number;
  processes: Record<string, number>;
}

async function runOnce(
  dir: string,
  label: string,
  clients: number,
  topology: string,
  extra: string[],
): Promise<Outcome> {
  const file = join(dir, `${label}.yaml`);
  await writeFile(
    file,
    `version: 1
title: ${label}
config:
  clients: ${clients}
  users: ${clients}
  alertsPerSecond: ${values.rate}
  topology: ${topology}
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  - { action: wait, duration: ${values.hold} }
thresholds:
  alerts_lost: ["count==0"]
  alerts_duplicated: ["count==0"]
`,
  );
  const reportFile = join(dir, `${label}.json`);
  const child = spawn(
    process.execPath,
    [BIN, 'run', file, '--quiet', '--report', reportFile, ...extra],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const sample: Sample = { peakByPid: new Map() };
  const timer = setInterval(() => {
    void sampleInto(child.pid!, sample);
  }, 1000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as RunReport;
  if (code !== 0) console.error(`${label}: stormwatch run exited ${code} (${report.verdict})`);
  let serverKiB = 0;
  let serverGrowthKiB = 0;
  let totalKiB = 0;
  const processes: Record<string, number> = {};
  for (const { role, kib, lowKiB } of sample.peakByPid.values()) {
    totalKiB += kib;
    if (role === 'server') {
      serverKiB += kib;
      serverGrowthKiB += kib - lowKiB;
    }
    processes[role] = (processes[role] ?? 0) + 1;
  }
  return { label, clients, report, serverKiB, serverGrowthKiB, totalKiB, processes };
}

const rounds = Number(values.rounds);
const big = Number(values.clients);
const peer = Number(values.peer);
const dir = await mkdtemp(join(tmpdir(), 'stormwatch-topology-'));
const results: Outcome[][] = [];
try {
  for (let round = 0; round < rounds; round++) {
    const pair = [
      await runOnce(dir, `${big}-on-3-redis`, big, '{ instances: 3, broker: redis }', []),
      await runOnce(dir, `${peer}-on-1-memory`, peer, '{ instances: 1, broker: memory }', [
        '--server-cmd',
        `exec "${process.execPath}" "${BIN}" serve`,
      ]),
    ];
    results.push(pair);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const row = (o: Outcome): string[] => {
  const lat = o.report.metrics.alert_latency_seconds;
  return [
    o.label,
    String(o.clients),
    o.report.verdict,
    fmt(o.report.host?.warmupSeconds ?? Number.NaN, 1),
    fmt((lat.p50 ?? Number.NaN) * 1000, 1),
    fmt((lat.p99 ?? Number.NaN) * 1000, 1),
    `${o.report.alerts.delivered}/${o.report.alerts.expected}`,
    fmt(o.serverKiB / o.clients, 1),
    fmt(o.serverGrowthKiB / o.clients, 1),
    fmt(o.totalKiB / o.clients, 1),
    Object.entries(o.processes)
      .map(([role, n]) => `${role}×${n}`)
      .join(' '),
  ];
};
console.log('');
printTable(
  [
    'run',
    'conns',
    'verdict',
    'connect all (s)',
    'fan-out p50 (ms)',
    'p99 (ms)',
    'delivered',
    'server KiB/conn',
    'above idle',
    'all KiB/conn',
    'processes',
  ],
  results.flatMap((pair) => pair.map(row)),
);
const ratio = (pick: (o: Outcome) => number) =>
  fmt(median(results.map(([a, b]) => pick(a!) / pick(b!))), 2);
console.log(
  `\nratios ${big} on 3 / ${peer} on 1 (median of ${rounds}): connect all ${ratio((o) => o.report.host?.warmupSeconds ?? Number.NaN)}× · fan-out p50 ${ratio((o) => o.report.metrics.alert_latency_seconds.p50 ?? Number.NaN)}× · p99 ${ratio((o) => o.report.metrics.alert_latency_seconds.p99 ?? Number.NaN)}× · server KiB/conn ${ratio((o) => o.serverKiB / o.clients)}× (above idle ${ratio((o) => o.serverGrowthKiB / o.clients)}×) · all KiB/conn ${ratio((o) => o.totalKiB / o.clients)}×`,
);
