/**
 * stormwatch sim — the deterministic simulator: the real client core and the real server core
 * on a virtual clock, connected by simulated links with the fault proxy's toxics, driven by the
 * same `runScenario` as real runs.
 */
export {
  runOnlyReason,
  simulate,
  unshardableReason,
  SIM_START_MS,
  type Simulation,
  type SimulateOptions,
} from './simulate.js';
export {
  simulateInWorker,
  simYoungGenerationMb,
  type SimulateInWorkerOptions,
  SimWorkerError,
  SIM_YOUNG_GENERATION_MB,
} from './in-worker.js';
export { SimHarness, SIM_URL, DEFAULT_BASE_LATENCY_MS, type SimHarnessOptions } from './harness.js';
export { SimDriver } from './driver.js';
export { ShardRecorder } from './shard/recorder.js';
export { createShardMeeting, Reading, type ShardMeeting } from './shard/meeting.js';
export {
  createShardLinks,
  ShardSync,
  ShardSyncError,
  SUM_WIDTH,
  type ShardLink,
} from './shard/sync.js';
export { extendMethod } from './duration.js';
export { SimNetwork, type SimNetworkOptions } from './network.js';
export { SimServer, ServerUnavailableError, type SimServerOptions } from './server.js';
export { SimConnection, type UpgradeTarget } from './link/connection.js';
export { Pipe, type LinkEnvironment, type PipeReceiver } from './link/pipe.js';
export type { Frame, FrameKind } from './link/frame.js';
export { startSimFault, type SimFaultTarget } from './sim-faults.js';
export { mintSimToken, readSimToken, type SimClaims } from './tokens.js';
export { createSeededIds } from './ids.js';
export type { SimToxic } from './toxics/index.js';
