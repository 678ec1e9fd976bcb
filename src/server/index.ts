/**
 * The stormwatch alert server: `buildServer(opts)` returns a Fastify app; the transport-free
 * core (`createAlertService`) is what the simulator drives.
 */
export { buildServer, type AlertServerHandle, type ShutdownMode } from './build-server.js';
export type { ServerOptions } from './options.js';
export type { DemoTokenOptions } from './routes/view.js';
export {
  createTokenVerifier,
  extractToken,
  signToken,
  type AuthOptions,
  type Principal,
  type Role,
  type TokenClaims,
  type TokenVerifier,
} from './auth.js';
export type {
  Admission,
  AlertListener,
  Broker,
  HistorySlice,
  SharedControls,
} from './broker/broker.js';
export { createMemoryBroker, type MemoryBrokerOptions } from './broker/memory.js';
export { createRedisBroker, DEFAULT_REDIS_URL, type RedisBrokerOptions } from './broker/redis.js';
export { parseRedisUrl, describeRedisUrl } from './broker/redis-url.js';
export { BrokerError, BrokerErrorCode, type BrokerErrorCodeValue } from './broker/errors.js';
export {
  createAlertService,
  type AlertService,
  type AlertServiceOptions,
} from './core/alert-service.js';
export { Session, type SessionInit, type SessionPhase } from './core/session.js';
export {
  DEFAULT_HEARTBEAT,
  DEFAULT_LIMITS,
  type ConnectionLimits,
  type SessionTransport,
} from './core/types.js';
export { ServerError, ServerErrorCode, type ServerErrorCodeValue } from './errors.js';
export { redactUrl } from './redact.js';
export { MIN_RESUME_WAIT_MS, scaledServerTimings, type ServerTimingInput } from './time-scale.js';
export { VERSION } from './version.js';
