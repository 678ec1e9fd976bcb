/**
 * stormwatch/client — a headless reconnecting client for the breach-alert channel: backoff with
 * jitter, heartbeat and link quality, resume with exactly-once delivery, failover, a bounded
 * timeline and stats. Browser-safe: nothing here imports Node built-ins or `ws`; the Node
 * transport lives in `stormwatch/client/node`.
 *
 * The core is a pure state machine ({@link transition}); {@link createClient} is the thin shell
 * that runs its effects on a transport and an injected clock.
 */
export { SimulatedClock, systemClock, VIRTUAL_ORDER_STEP } from '../protocol/index.js';
export type { Clock, TimerHandle } from '../protocol/index.js';

export { createClient, DEFAULT_STATS_WINDOW_MS } from './shell/client.js';
export type { Client } from './shell/client.js';
export type { Listener } from './shell/emitter.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, resolveOptions } from './options.js';
export type { ClientOptions, FallbackSettings, ResolvedOptions, TokenProvider } from './options.js';

export { CLIENT_STATES } from './events.js';
export type {
  ClientEventMap,
  ClientEventName,
  ClientStateName,
  GapEvent,
  PongBatch,
  PongEvent,
  Quality,
  QualityChange,
  StateChange,
  TransitionReason,
  TransportChange,
} from './events.js';
export { ClientError, ClientErrorCode, isClientError } from './errors.js';
export type { ClientErrorCodeValue } from './errors.js';

export {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  JITTER_MODES,
  nominalDelayMs,
  retryBudgetMs,
} from './backoff.js';
export type { BackoffOptions, JitterMode } from './backoff.js';
export { DEFAULT_HEARTBEAT, roundTripMs } from './heartbeat.js';
export type { HeartbeatOptions } from './heartbeat.js';
export { DEFAULT_RESUME } from './resume.js';
export type { ResumeOptions, StreamGap, StreamPosition } from './resume.js';
export { createSeededRandom, systemRandom } from './random.js';
export type { Random } from './random.js';
export { DEFAULT_TIMELINE } from './timeline.js';
export type { TimelineEntry, TimelineKind, TimelineOptions } from './timeline.js';
export { formatDuration } from './format-duration.js';
export { timelineStrip } from './strip.js';
export type { StripSegment, StripState } from './strip.js';
export { computeStats, percentile, summarize } from './stats.js';
export type { ClientStats, Distribution, Sample, StatsInput } from './stats.js';
export { buildEndpointUrl, BREACH_ALERTS_PATH, DEFAULT_PATH_TEMPLATE } from './url.js';
export { createProfileTransport, FOREIGN_EPOCH } from './profiles/adapter.js';
export type { ProfileTransportOptions } from './profiles/adapter.js';
export { PROFILE_PRESETS, PROFILE_PRESET_NAMES } from './profiles/presets.js';
export { checkProfile, formatIssuePath } from './profiles/validate.js';
export type { ProfileCheck, ProfileIssue } from './profiles/validate.js';
export { isJsonPointer, readPointer } from './profiles/json-pointer.js';
export { PROFILE_KINDS } from './profiles/types.js';
export type {
  AlertRule,
  FrameMatch,
  JsonProfile,
  Profile,
  SocketIoProfile,
  StormwatchProfile,
  TokenPlacement,
  WsPingProfile,
} from './profiles/types.js';
export { parseRetryAfterHeader } from './retry-after.js';
export { createBrowserEnvironment, createManualEnvironment } from './environment.js';
export type { Environment, EnvironmentSignal } from './environment.js';

export { createInitialState, transition } from './machine/machine.js';
export type {
  Effect,
  MachineConfig,
  MachineEvent,
  MachineState,
  Phase,
  TimerName,
  Transition,
  TransitionContext,
} from './machine/types.js';

export { ABNORMAL_CLOSURE } from './transports/types.js';
export { createFallbackTransport, DEFAULT_FALLBACK } from './transports/fallback.js';
export type { FallbackOptions, FallbackTransportOptions } from './transports/fallback.js';
export { createPollingTransport, httpBaseOf } from './transports/polling.js';
export type {
  FetchLike,
  PollingSocket,
  PollingTransport,
  PollingTransportOptions,
} from './transports/polling.js';
export type {
  CloseInfo,
  EchoedPing,
  OpenRequest,
  SocketHandlers,
  Transport,
  TransportKind,
  TransportSocket,
} from './transports/types.js';
export { createBrowserTransport } from './transports/browser.js';
export type {
  BrowserTransportOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './transports/browser.js';
export { createMemoryTransport, MemoryConnection } from './transports/memory.js';
export type {
  MemoryCloseRecord,
  MemoryConnectionState,
  MemoryServer,
} from './transports/memory.js';
