import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { RunnerError, RunnerErrorCode, type Progress, type Scenario } from '../runner/index.js';
import { createShardLinks, type ShardLink } from './shard/sync.js';
import { unshardableReason, type SimulateOptions, type Simulation } from './simulate.js';

/**
 * Young generation of the simulation's thread for fleets up to 24,576 clients, MiB (two
 * semi-spaces of a third each, plus a large-object space). Frames, events and a heartbeat's
 * bookkeeping die within milliseconds of virtual time, but at 10,000 clients that is a lot of
 * them between two scavenges: V8's default (16 MiB semi-spaces) promotes far more of them, and a
 * day of that fleet runs ~25 % slower (~7 % slower on 64 MiB semi-spaces, at the same peak RSS;
 * 256 MiB ones gain ~1 % for ~200 MiB).
 */
export const SIM_YOUNG_GENERATION_MB = 384;

/** The largest young generation a fleet gets, MiB. */
const MAX_YOUNG_GENERATION_MB = 1536;

/**
 * The young generation for a fleet of `clients`, MiB: {@link SIM_YOUNG_GENERATION_MB}, and
 * 16 KiB a client past 24,576, up to 1,536 MiB (at 100,000 clients). A scavenge comes after so
 * many bytes allocated, so on a fixed young generation a larger fleet scavenges more often in
 * virtual time: at 100,000 clients on 384 MiB, every ~20 virtual seconds, so a ping's timers
 * and bookkeeping (30 s) were still alive at it, copied and promoted. On 1,536 MiB a 2-hour
 * fleet-day of 100,000 clients scavenged 137 times in 16.1 s instead of 350 in 21.8 s.
 */
export function simYoungGenerationMb(clients: number): number {
  return Math.min(
    MAX_YOUNG_GENERATION_MB,
    Math.max(SIM_YOUNG_GENERATION_MB, Math.round((clients * 16) / 1024)),
  );
}

/** What the worker is started with. */
export interface WorkerInput {
  scenario: Scenario;
  echoes: boolean;
  exactPercentiles: boolean;
  baseLatencyMs: number | undefined;
  progressEveryMs: number | undefined;
  /** Post progress and event lines (only when the caller listens). */
  progress: boolean;
  events: boolean;
  /** One shard of a sharded run (its ports travel in the transfer list). */
  shard?: ShardLink | undefined;
}

/** Messages to the worker. */
export type ToWorker = { type: 'abort' };

/** Messages from the worker. */
export type FromWorker =
  | { type: 'progress'; progress: Progress }
  | { type: 'event'; line: string; elapsedMs: number }
  | { type: 'done'; result: Simulation }
  | { type: 'failed'; message: string; stack: string | undefined };

/** Why {@link simulateInWorker} produced no simulation. */
export class SimWorkerError extends Error {
  readonly code: 'SIM_OUT_OF_MEMORY' | 'SIM_WORKER_FAILED';
  constructor(code: SimWorkerError['code'], message: string) {
    super(message);
    this.name = 'SimWorkerError';
    this.code = code;
  }
}

/** Options of {@link simulateInWorker}. */
export interface SimulateInWorkerOptions extends Omit<SimulateOptions, 'shard'> {
  /**
   * Threads to split the fleet over, by user (default 1): each simulates its users' clients and
   * the server's part for them, and they meet wherever the run reads the whole fleet. Each
   * client's network and faults are those of one thread, so the report is one thread's but
   * where the shards wait for each other (see `SimHarness`); the same seed and shard count
   * give the same report.
   */
  shards?: number | undefined;
}

/**
 * {@link simulate} on a worker thread of its own, with a young generation sized for simulation
 * ({@link simYoungGenerationMb} of its fleet): what `stormwatch sim` runs. The report is the one
 * `simulate` gives in this thread, byte for byte. Progress and event lines arrive as the
 * worker posts them; aborting the signal aborts the method there (rollbacks still run).
 *
 * With `shards` above 1, one thread a shard (see {@link SimulateInWorkerOptions.shards}); the
 * report is shard 0's once it took in the others' recordings, with every shard's events.
 *
 * @param entry the worker's entry: by default the compiled `sim-worker.js` next to this module,
 *   so from the build (`dist/`), as the CLI runs it
 */
export async function simulateInWorker(
  scenario: Scenario,
  options: SimulateInWorkerOptions = {},
  entry: URL = new URL('./sim-worker.js', import.meta.url),
): Promise<Simulation> {
  const count = options.shards ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw new SimWorkerError(
      'SIM_WORKER_FAILED',
      `shards must be a positive integer, got ${count}`,
    );
  }
  const input: WorkerInput = {
    scenario,
    echoes: options.echoes ?? true,
    exactPercentiles: options.exactPercentiles ?? false,
    baseLatencyMs: options.baseLatencyMs,
    progressEveryMs: options.progressEveryMs,
    progress: options.onProgress !== undefined,
    events: options.onEvent !== undefined,
  };
  const youngMb = simYoungGenerationMb(Math.ceil(scenario.config.clients / count));
  if (count === 1) {
    const signal = options.signal;
    return runWorker(entry, input, youngMb, options, {
      listen: (abort) => {
        if (signal?.aborted) abort();
        else signal?.addEventListener('abort', abort, { once: true });
        return () => signal?.removeEventListener('abort', abort);
      },
    });
  }
  const reason = unshardableReason(scenario, count);
  if (reason !== undefined) throw new RunnerError(RunnerErrorCode.SCENARIO_INVALID, reason);
  const { links, abort, fail } = createShardLinks(count, () => new MessageChannel());
  const signal = options.signal;
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort, { once: true });
  const quiet: SimulateInWorkerOptions = {};
  const runs = links.map((link) =>
    runWorker(entry, { ...input, shard: link }, youngMb, link.index === 0 ? options : quiet, {
      transfer: link.ports,
    }),
  );
  // One shard failing leaves the others waiting for it at their next meeting: wake them to stop.
  for (const run of runs) run.catch(fail);
  try {
    const results = await Promise.all(runs);
    const first = results[0]!;
    // Shard 0's report judges the merged fleet; an error only another shard met (a rollback
    // that failed there) must not be lost with that shard's own report.
    const erred = results.findIndex((r) => r.report.verdict === 'error');
    if (erred > 0 && first.report.verdict !== 'error') {
      first.report.verdict = 'error';
      first.report.reason = `shard ${erred}: ${results[erred]!.report.reason ?? 'error'}`;
      first.exitCode = results[erred]!.exitCode;
    }
    const events = results.reduce((n, r) => n + r.events, 0);
    if (first.report.simulation !== undefined) first.report.simulation.events = events;
    return {
      ...first,
      events,
      connections: results.reduce((n, r) => n + r.connections, 0),
      echoes: {
        echoed: results.reduce((n, r) => n + r.echoes.echoed, 0),
        playedOut: results.reduce((n, r) => n + r.echoes.playedOut, 0),
      },
    };
  } catch (error) {
    // The first failure is the cause; the others only saw it.
    const settled = await Promise.allSettled(runs);
    const cause = settled.find(
      (r): r is PromiseRejectedResult =>
        r.status === 'rejected' &&
        !(r.reason instanceof SimWorkerError && r.reason.message.includes(SHARD_FAILED_NOTE)),
    );
    throw cause?.reason ?? error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** In the message of a shard that stopped because another one failed. */
const SHARD_FAILED_NOTE = 'another shard of the simulation failed';

/** Runs one worker to its outcome, forwarding progress and events to `options`' listeners. */
function runWorker(
  entry: URL,
  input: WorkerInput,
  youngMb: number,
  options: SimulateInWorkerOptions,
  how: { listen?: (abort: () => void) => () => void; transfer?: MessagePort[] },
): Promise<Simulation> {
  return new Promise<Simulation>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(entry, {
        workerData: input,
        transferList: how.transfer ?? [],
        resourceLimits: { maxYoungGenerationSizeMb: youngMb },
      });
    } catch (error) {
      reject(failed(error));
      return;
    }
    const unlisten = how.listen?.(() => worker.postMessage({ type: 'abort' } satisfies ToWorker));
    let settled = false;
    // Settles once: at the outcome the worker posts, at an error, or when it exits without one.
    const settle = (result: Simulation | Error): void => {
      if (settled) return;
      settled = true;
      unlisten?.();
      void worker.terminate();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    worker.on('message', (message: FromWorker) => {
      try {
        if (message.type === 'progress') options.onProgress?.(message.progress);
        else if (message.type === 'event') options.onEvent?.(message.line, message.elapsedMs);
        else if (message.type === 'done') settle(message.result);
        else {
          // simulate() itself threw there: its message as it is, its stack for debugging.
          const error = new SimWorkerError('SIM_WORKER_FAILED', message.message);
          if (message.stack !== undefined) error.stack = message.stack;
          settle(error);
        }
      } catch (error) {
        // A throwing listener ends the run instead of the process.
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settle(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new SimWorkerError(
              'SIM_OUT_OF_MEMORY',
              `the simulation ran out of memory (${error.message}); try fewer clients or a shorter run`,
            )
          : failed(error),
      );
    });
    worker.on('exit', (code) =>
      settle(
        new SimWorkerError(
          'SIM_WORKER_FAILED',
          `the simulation's thread exited (code ${code}) before it finished`,
        ),
      ),
    );
  });
}

function failed(error: unknown): SimWorkerError {
  const message = error instanceof Error ? error.message : String(error);
  return new SimWorkerError('SIM_WORKER_FAILED', `the simulation failed: ${message}`);
}
