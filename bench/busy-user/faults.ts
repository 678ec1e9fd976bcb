/**
 * busy-user: one user at 10 alerts/s through five faults (blackhole, latency, hard restart,
 * reset_peer, proxy down), each on a fresh in-process server + embedded fault proxy + one client
 * with library defaults. Per fault and pass: policy (1008) closes, alerts published, lost and
 * duplicated, disconnections, recovery time and the client's final state.
 * Loopback only; stops by itself. Run: node --import tsx bench/busy-user/faults.ts --help
 */
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { VERSION } from '../../src/server/index.js';
import { FAULTS } from './fault-plan.js';
import { FlagError, parseFlags, USAGE, type BenchFlags } from './flags.js';
import { runFault, type RunResult } from './run-fault.js';
import { formatTable } from './table.js';

/** The build under test, so two runs' JSON say what they measured. */
function describeBuild(): { version: string; commit: string; dirty: boolean } {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
  return {
    version: VERSION,
    commit: git('rev-parse', '--short', 'HEAD').trim() || 'unknown',
    dirty: git('status', '--porcelain', '--', 'src').trim() !== '',
  };
}

async function main(flags: BenchFlags): Promise<void> {
  const build = describeBuild();
  const startedAt = new Date().toISOString();
  const results: RunResult[] = [];
  console.log(
    `busy-user: ${flags.faults.join(', ')} × ${flags.passes} passes, window ${flags.windowMs / 1000} s` +
      ` (build ${build.commit}${build.dirty ? '+dirty src' : ''})`,
  );
  for (const fault of flags.faults) {
    for (let pass = 1; pass <= flags.passes; pass++) {
      let result: RunResult;
      try {
        result = await runFault(fault, pass, flags.windowMs);
      } catch (error) {
        result = { ...emptyResult(fault, pass), error: (error as Error).message };
      }
      results.push(result);
      console.error(
        `  ${fault} #${pass}: 1008×${result.policyCloses} lost ${result.lost}/${result.published}` +
          ` recovery ${result.recoveryS ?? 'never'} s, ${result.finalState}` +
          (result.error === undefined ? '' : ` (error: ${result.error})`),
      );
    }
  }
  console.log(formatTable(results));
  if (flags.jsonFile !== undefined) {
    const faults = Object.fromEntries(flags.faults.map((f) => [f, FAULTS[f].about]));
    const config = { passes: flags.passes, windowMs: flags.windowMs, faults };
    writeFileSync(
      flags.jsonFile,
      JSON.stringify({ bench: 'busy-user', startedAt, build, config, results }, null, 2) + '\n',
    );
  }
}

function emptyResult(fault: RunResult['fault'], pass: number): RunResult {
  return {
    fault,
    pass,
    policyCloses: 0,
    serverFloodCloses: 0,
    published: 0,
    publishFailures: 0,
    delivered: 0,
    lost: 0,
    lostSeqs: [],
    duplicated: 0,
    disconnects: 0,
    closeCodes: {},
    httpRefusals: {},
    gaps: 0,
    maxLagS: 0,
    recoveryS: null,
    lastConnectS: null,
    finalState: 'n/a',
    faultStartS: 0,
    releaseS: 0,
    faultEndS: 0,
    events: [],
  };
}

let flags: BenchFlags;
try {
  flags = parseFlags(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof FlagError)) throw error;
  console.error(`busy-user: ${error.message}`);
  process.exit(1);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
main(flags).then(
  // Exit explicitly: a socket or timer left behind by a faulty build must not keep the bench up.
  () => process.exit(0),
  (error: unknown) => {
    console.error(`busy-user: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
