import type { ClientEventName, ClientStateName } from '../../client/index.js';
import type { ScenarioConfig } from '../scenario/types.js';

/** What a fleet worker is started with. */
export interface WorkerInit {
  type: 'init';
  config: ScenarioConfig;
  /** Every instance's addresses (one per proxy shard), as the fleet takes them. */
  urls: string[][];
  /** HS256 secret the worker signs its clients' tokens with. */
  secret: string;
  /** Token lifetime, real seconds. */
  ttlS: number;
  /** The clients of this worker: indices [from, to). */
  from: number;
  to: number;
}

/** Parent → worker. */
export type ToWorker =
  | WorkerInit
  | { type: 'connect' }
  /** The app's `reconnect()` on every failed or disconnected client of the worker. */
  | { type: 'reconnect' }
  /** Answer `lag` with the worker's event-loop p99 since it started. */
  | { type: 'lag' }
  /** Dispose every client, answer `disposed`, and exit. */
  | { type: 'dispose' };

/**
 * One client event as the worker saw it: client index, event name, payload, and for an alert
 * the time it arrived (the parent's recorder would otherwise stamp the time it was forwarded).
 */
export type ForwardedEvent = [index: number, event: ClientEventName, payload: unknown, at?: number];

/** Worker → parent. */
export type FromWorker =
  /** The clients are made; their states (from `from` on) before anything happened. */
  | { type: 'ready'; states: ClientStateName[] }
  | { type: 'events'; events: ForwardedEvent[] }
  | { type: 'disposed' }
  | { type: 'lag'; p99Ms: number }
  | { type: 'failed'; message: string };
