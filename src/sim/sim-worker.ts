// The entry of the worker thread `simulateInWorker` starts: runs one simulation and reports
// back over the parent port. Not a module to import.
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '../runner/index.js';
import type { FromWorker, ToWorker, WorkerInput } from './in-worker.js';
import { ShardSync } from './shard/sync.js';
import { simulate } from './simulate.js';

const port = parentPort;
if (port === null) throw new Error('sim-worker: not started as a worker thread');
const input = workerData as WorkerInput;
const abort = new AbortController();
const post = (message: FromWorker) => port.postMessage(message);
port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') abort.abort();
});

// Every shard runs with the same listeners, so all read the fleet at the same points; only
// shard 0's lines are posted.
const speaks = input.shard === undefined || input.shard.index === 0;
const say = (message: FromWorker) => {
  if (speaks) post(message);
};

try {
  const scenario: Scenario = input.scenario;
  const result = await simulate(scenario, {
    signal: abort.signal,
    echoes: input.echoes,
    exactPercentiles: input.exactPercentiles,
    baseLatencyMs: input.baseLatencyMs,
    progressEveryMs: input.progressEveryMs,
    shard: input.shard === undefined ? undefined : new ShardSync(input.shard),
    ...(input.progress ? { onProgress: (progress) => say({ type: 'progress', progress }) } : {}),
    ...(input.events
      ? { onEvent: (line, elapsedMs) => say({ type: 'event', line, elapsedMs }) }
      : {}),
  });
  post({ type: 'done', result });
} catch (error) {
  post({
    type: 'failed',
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
} finally {
  port.close();
}
