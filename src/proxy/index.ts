/**
 * stormwatch embedded fault proxy: a TCP proxy with Toxiproxy 2.12's HTTP API and semantics,
 * so `toxiproxy-node-client` and curl scripts written for Toxiproxy drive it unchanged.
 * Stands alone: imports nothing from other stormwatch components.
 */
export {
  createToxiproxyServer,
  DEFAULT_API_PORT,
  type ListenOptions,
  type ServerAddress,
  type ToxiproxyServer,
  type ToxiproxyServerOptions,
} from './server.js';
export { createApiHandler, TOXIPROXY_VERSION, type RequestHandler } from './api.js';
export { ProxyRegistry, type PopulateResult, type ProxyRegistryOptions } from './registry.js';
export { Proxy, type ProxyAddresses, type ProxyJson } from './proxy.js';
export type { ToxicCollection } from './toxic-collection.js';
export type { Direction, ToxicEntry, ToxicJson } from './toxic-entry.js';
export type { ProxyInput, ProxyUpdate } from './proxy-json.js';
export { ProxyErrorCode, ToxiproxyApiError, type ProxyErrorCodeValue } from './errors.js';
export { ProxyWarningCode, type ProxyWarningCodeValue } from './warnings.js';
export { systemClock, type Clock, type RandomSource, type TimerHandle } from './clock.js';
export { toxicKinds } from './toxics/registry.js';
export type { Attributes, ToxicKind } from './toxics/toxic.js';
export { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';
