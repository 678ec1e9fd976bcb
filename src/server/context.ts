import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Clock } from '../protocol/index.js';
import type { Registry, ServerMetrics } from '../metrics/index.js';
import type { TokenVerifier } from './auth.js';
import type { Broker } from './broker/broker.js';
import type { AlertService } from './core/alert-service.js';
import type { AlertWireFrames } from './routes/alert-wire.js';
import type { TextFrames } from './routes/text-frame.js';

/** What the route plugins share. */
export interface AppContext {
  service: AlertService;
  broker: Broker;
  clock: Clock;
  /** Uniform in [0, 1): spreads the Retry-After of a full instance. */
  random: () => number;
  metrics: ServerMetrics;
  registry: Registry;
  verifyToken: TokenVerifier;
  isShuttingDown(): boolean;
  log: FastifyBaseLogger;
  /**
   * Every upgraded socket until it closed, for shutdown. Kept here rather than by ws's own client
   * tracking, which costs each socket a closure and a listener array of its own.
   */
  sockets: Set<WebSocket>;
  /** Frames the text the sockets send (see ./routes/text-frame.ts). */
  frames: TextFrames;
  /** Frames the alerts the sockets send (see ./routes/alert-wire.ts). */
  alertFrames: AlertWireFrames;
}
