import { Worker } from 'node:worker_threads';
import type { Progress, Scenario } from '../runner/index.js';
import type { SimulateOptions, Simulation } from './simulate.js';

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

/**
 * {@link simulate} on a worker thread of its own, with a young generation sized for simulation
 * ({@link simYoungGenerationMb} of its fleet): what `stormwatch sim` runs. The report is the one
 * `simulate` gives in this thread, byte for byte. Progress and event lines arrive as the
 * worker posts them; aborting the signal aborts the method there (rollbacks still run).
 *
 * @param entry the worker's entry: by default the compiled `sim-worker.js` next to this module,
 *   so from the build (`dist/`), as the CLI runs it
 */
export function simulateInWorker(
  scenario: Scenario,
  options: SimulateOptions = {},
  entry: URL = new URL('./sim-worker.js', import.meta.url),
): Promise<Simulation> {
  const input: WorkerInput = {
    scenario,
    echoes: options.echoes ?? true,
    exactPercentiles: options.exactPercentiles ?? false,
    baseLatencyMs: options.baseLatencyMs,
    progressEveryMs: options.progressEveryMs,
    progress: options.onProgress !== undefined,
    events: options.onEvent !== undefined,
  };
  return new Promise<Simulation>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(entry, {
        workerData: input,
        resourceLimits: {
          maxYoungGenerationSizeMb: simYoungGenerationMb(scenario.config.clients),
        },
      });
    } catch (error) {
      reject(failed(error));
      return;
    }
    const signal = options.signal;
    const onAbort = () => worker.postMessage({ type: 'abort' } satisfies ToWorker);
    let settled = false;
    // Settles once: at the outcome the worker posts, at an error, or when it exits without one.
    const settle = (result: Simulation | Error): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
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
