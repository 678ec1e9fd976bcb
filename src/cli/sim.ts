import type { Verb } from '../cli.js';
import {
  formatDuration,
  parseDuration,
  renderSummary,
  RunnerError,
  RunnerErrorCode,
  type Progress,
} from '../runner/index.js';
import { extendMethod, simulateInWorker, unshardableReason } from '../sim/index.js';
import { interruptOnSignals } from './interrupt.js';
import { loadScenarioWithProgress } from './load-progress.js';
import { parseFlags, quoteValue, readIntFlag, UsageError } from './args.js';
import { formatProgress, finishReports } from './output.js';
import { readOverrides, reportPaths, SCENARIO_FLAGS, scenarioFile } from './scenario-flags.js';
import { checkReportPaths } from './report-paths.js';

const USAGE = `Usage: stormwatch sim <scenario.yaml> [flags]

Runs a chaos scenario in deterministic simulation: the real client and server cores on a
virtual clock, joined by simulated links with the fault proxy's toxics. Same scenario files,
thresholds, reports and exit codes as "stormwatch run"; a 24-hour timeline with thousands of
clients takes seconds. The same scenario and seed give a byte-identical JSON report.

Flags:
  --duration D       make the method last at least D of scenario time (e.g. 24h): a final
                     wait is appended; a longer method is unchanged
  --time-scale X     multiply every duration (scenario, client, server) by X
  --clients N        override config.clients
  --seed S           override config.seed
  --every-frame      send every heartbeat through both cores and the links frame by frame
                     (slower; the report is the same: heartbeats on quiet links are otherwise
                     played without frames until anything touches the connection)
  --exact-percentiles
                     keep every reconnect, pong, latency and detection sample for exact
                     percentiles; by default they come from streaming histograms (within 0.1 %
                     of the exact value, the bound stated in the report) and memory does not
                     grow with the run's length
  --shards N         split the fleet by user over N threads (default 1; at most 64 and the
                     scenario's users): a large fleet's day on several cores. Each client's
                     network and faults are as on one thread; a step that ends on its own
                     time (a graceful drain) ends up to 10 ms later. Same seed and N: same report.
                     Not with abortOnFail thresholds (they judge the whole fleet mid-run)
  --report FILE      write the JSON report (with simulation.events)
  --junit FILE       write JUnit XML (one test case per threshold and probe)
  --markdown FILE    write a Markdown summary
  --html FILE        write one self-contained HTML report (verdict, thresholds, charts)
  --quiet            no progress lines

Sim-only actions: sim.drops (mtbf), sim.latency (base, peak, period), sim.outage (fraction).

Exit codes: 0 pass · 99 a threshold failed · 98 steady state not met · 1 harness error.
`;

/** Most threads `--shards` takes. */
const MAX_SHARDS = 64;

/** Virtual time between progress callbacks: often enough for a live line, cheap at 10k clients. */
const PROGRESS_EVERY_MS = 10_000;
/** Wall time between plain (non-TTY) progress lines, ms. */
const PLAIN_LINE_EVERY_MS = 2000;

const grouped = (n: number): string =>
  n < 100 ? String(Number(n.toFixed(1))) : Math.round(n).toLocaleString('en-US');

/** `stormwatch sim`: simulates a scenario and exits 0, 99, 98 or 1. */
export const sim: Verb = async (argv) => {
  const { values, positionals } = parseFlags('sim', argv, {
    ...SCENARIO_FLAGS,
    duration: { type: 'string' },
    'every-frame': { type: 'boolean' },
    'exact-percentiles': { type: 'boolean' },
    shards: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const file = scenarioFile('sim', positionals);
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    durationMs = parseDuration(values.duration);
    if (durationMs === undefined || durationMs <= 0) {
      throw new UsageError(
        `--duration: expected a duration such as "90m" or "24h", got ${quoteValue(values.duration)}`,
      );
    }
  }
  const shards = readIntFlag('shards', values.shards, 1, 1, MAX_SHARDS);
  const loaded = await loadScenarioWithProgress('sim', file, readOverrides(values));
  if (loaded.config.target !== undefined) {
    throw new RunnerError(
      RunnerErrorCode.SCENARIO_INVALID,
      `${loaded.file}: config.target is a foreign service; the simulator models stormwatch's own server (run it with stormwatch run)`,
    );
  }
  const refused = unshardableReason(loaded, shards);
  if (refused !== undefined) throw new RunnerError(RunnerErrorCode.SCENARIO_INVALID, refused);
  await checkReportPaths(reportPaths(values));
  const scenario = durationMs === undefined ? loaded : extendMethod(loaded, durationMs);

  const out = process.stdout;
  const live = out.isTTY && !values.quiet;
  const interrupt = interruptOnSignals();

  const c = scenario.config;
  out.write(
    `stormwatch sim: ${scenario.title} (${scenario.file}) — ${c.clients} clients, ${c.users} users, seed ${c.seed}, timeScale ${c.timeScale}${durationMs === undefined ? '' : `, duration ≥ ${formatDuration(durationMs)}`}${shards > 1 ? `, ${shards} shards` : ''}\n`,
  );
  let lastLine = -Infinity;
  const wallStart = performance.now();
  try {
    const result = await simulateInWorker(scenario, {
      signal: interrupt.signal,
      echoes: values['every-frame'] !== true,
      exactPercentiles: values['exact-percentiles'] === true,
      shards,
      progressEveryMs: PROGRESS_EVERY_MS * c.timeScale,
      // Quiet: no lines, so the simulation's thread posts none.
      ...(values.quiet
        ? {}
        : {
            onProgress: (p: Progress) => {
              const now = performance.now();
              if (now - lastLine < (live ? 100 : PLAIN_LINE_EVERY_MS) && p.elapsedSeconds > 0) {
                return;
              }
              lastLine = now;
              if (live) out.write(`\r\x1b[2K${formatProgress(p)}`);
              else out.write(`${formatProgress(p)}\n`);
            },
            onEvent: (line: string, elapsedMs: number) => {
              const elapsed = (elapsedMs / 1000 / c.timeScale).toFixed(1);
              out.write(`${live ? '\r\x1b[2K' : ''}[${elapsed.padStart(6)}s] ${line}\n`);
            },
          }),
    });
    const wallS = (performance.now() - wallStart) / 1000;
    if (live) out.write('\r\x1b[2K');
    out.write('\n' + renderSummary(result.report));
    const clientHours = (c.clients * result.virtualMs) / 3_600_000;
    out.write(
      `simulated ${formatDuration(result.virtualMs)} of ${c.clients} clients in ${wallS.toFixed(2)} s: ${grouped(result.events)} events (${grouped(result.events / wallS)} events/s), ${grouped(clientHours)} client-hours (${grouped(clientHours / wallS)}/s)\n`,
    );
    const { echoed, playedOut } = result.echoes;
    out.write(
      `heartbeats played without frames: ${grouped(echoed)}, of which ${grouped(playedOut)} handed back with the ping out\n`,
    );
    await finishReports('sim', result.report, reportPaths(values), out);
    return result.exitCode;
  } finally {
    interrupt.dispose();
  }
};
