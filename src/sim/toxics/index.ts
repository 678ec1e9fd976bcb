import type { ToxicType } from '../../runner/index.js';
import { createBandwidthStage } from './bandwidth.js';
import { createLatencyStage } from './latency.js';
import { createLimitDataStage } from './limit-data.js';
import { createResetPeerStage } from './reset-peer.js';
import { createSlicerStage } from './slicer.js';
import { createSlowCloseStage } from './slow-close.js';
import type { StageFactory } from './stage.js';
import { createTimeoutStage } from './timeout.js';

/**
 * The stage of every toxic the simulator models, by Toxiproxy type: all but `websocket_block`
 * (the simulated clients have no HTTP side to fall back to).
 */
export const STAGE_FACTORIES: Readonly<
  Record<Exclude<ToxicType, 'websocket_block'>, StageFactory>
> = {
  latency: createLatencyStage,
  bandwidth: createBandwidthStage,
  slicer: createSlicerStage,
  timeout: createTimeoutStage,
  reset_peer: createResetPeerStage,
  limit_data: createLimitDataStage,
  slow_close: createSlowCloseStage,
};

export { DROPPED, type SimToxic, type Stage, type StageContext } from './stage.js';
