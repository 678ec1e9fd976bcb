import { systemClock, type Clock } from '../protocol/index.js';
import { DEFAULT_BACKOFF, JITTER_MODES, retryBudgetMs, type BackoffOptions } from './backoff.js';
import { createBrowserEnvironment, type Environment } from './environment.js';
import { ClientError, ClientErrorCode } from './errors.js';
import { DEFAULT_HEARTBEAT, type HeartbeatOptions } from './heartbeat.js';
import type { MachineConfig } from './machine/types.js';
import { systemRandom, type Random } from './random.js';
import { DEFAULT_RESUME, type ResumeOptions } from './resume.js';
import { DEFAULT_TIMELINE, type TimelineOptions } from './timeline.js';
import { createBrowserTransport } from './transports/browser.js';
import {
  createFallbackTransport,
  DEFAULT_FALLBACK,
  type FallbackOptions,
} from './transports/fallback.js';
import type { PollingTransportOptions } from './transports/polling.js';
import type { Transport } from './transports/types.js';
import { buildEndpointUrl } from './url.js';
import { createProfileTransport } from './profiles/adapter.js';
import type { Profile } from './profiles/types.js';
import { checkProfile, formatIssuePath } from './profiles/validate.js';

/** Supplies a bearer token; called before every attempt, never twice at once. */
export type TokenProvider = () => string | Promise<string>;

/** Options of {@link createClient}. Only `userId` and one of `url`/`urls` are required. */
export interface ClientOptions {
  /**
   * Base URL of the alert server, e.g. `ws://127.0.0.1:8080` (or `http://…`, mapped to `ws://…`).
   * The client appends `/ws/breach-alerts/<userId>`; a URL that already ends with that path is
   * used as is.
   */
  url?: string;
  /** Several base URLs for failover: successive attempts rotate through them in order. */
  urls?: readonly string[];
  /** The user whose alerts to receive (the JWT `sub` must match). */
  userId: string;
  /** Token provider, called before every attempt (so reconnects refresh the token). */
  getToken?: TokenProvider;
  /** Reconnect backoff; see {@link BackoffOptions} for defaults. */
  backoff?: Partial<BackoffOptions>;
  /** Heartbeat timings; see {@link HeartbeatOptions} for defaults. */
  heartbeat?: Partial<HeartbeatOptions>;
  /** Resume, dedupe and ack; see {@link ResumeOptions} for defaults. */
  resume?: Partial<ResumeOptions>;
  /** Bounds of the timeline kept for `timeline()` and `stats()`. Default 24 h, 10 000 entries. */
  timeline?: Partial<TimelineOptions>;
  /**
   * An attempt (token fetch + upgrade) not open after this long is abandoned and counts as failed,
   * ms. Default 20000: above the 12 s latency the heartbeat also tolerates.
   */
  connectTimeoutMs?: number;
  /** Source of time and timers. Default: the system clock. */
  clock?: Clock;
  /** Source of randomness for jitter. Default: `Math.random`. */
  random?: Random;
  /**
   * How sockets are opened. Default: the browser's global WebSocket when present. In Node, pass
   * `createNodeTransport()` from `stormwatch/client/node`.
   */
  transport?: Transport;
  /** Online/offline and visibility signals. Default: the browser's, none elsewhere; null: none. */
  environment?: Environment | null;
  /**
   * Fall back to HTTP long polling (`GET /api/alerts?wait=`) when WebSocket cannot get through,
   * and move back when a background WebSocket probe opens. `true` for the defaults (after 2
   * failed WebSocket attempts, probe every 15 s); an object to tune them or the polling requests
   * (`polling.fetch`, `polling.waitMs`). Needs resume (the default). Default: off.
   */
  fallback?: boolean | FallbackSettings;
  /**
   * How to speak to the service: `stormwatch` (protocol v1, the default), a preset name
   * (`django-channels`, `json`, `ws-ping`, `socketio`) or a {@link Profile} object. A foreign profile
   * translates the service's heartbeat and alerts; such a service replays nothing, so alerts
   * sent while disconnected are lost (the client cannot tell), and the fallback is unavailable.
   */
  profile?: string | Profile;
}

/** The `fallback` option as an object. */
export interface FallbackSettings extends Partial<FallbackOptions> {
  polling?: PollingTransportOptions;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  machine: MachineConfig;
  getToken: TokenProvider | undefined;
  timeline: TimelineOptions;
  clock: Clock;
  random: Random;
  transport: Transport;
  environment: Environment | undefined;
}

/** Default attempt timeout, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

function invalid(message: string): ClientError {
  return new ClientError(ClientErrorCode.INVALID_OPTIONS, message);
}

function checkDuration(name: string, value: number, allowZero = false): void {
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw invalid(
      `${name}: expected a ${allowZero ? 'non-negative' : 'positive'} number of ms, got ${String(value)}`,
    );
  }
}

function withFallback(
  websocket: Transport,
  fallback: ClientOptions['fallback'],
  clock: Clock,
): Transport {
  if (fallback === undefined || fallback === false) return websocket;
  if (fallback !== true && (typeof fallback !== 'object' || fallback === null)) {
    throw invalid(`fallback: expected true, false or an object, got ${JSON.stringify(fallback)}`);
  }
  const settings: FallbackSettings = fallback === true ? {} : fallback;
  const fallbackAfter = settings.fallbackAfter ?? DEFAULT_FALLBACK.fallbackAfter;
  if (!Number.isInteger(fallbackAfter) || fallbackAfter < 1) {
    throw invalid(`fallback.fallbackAfter: expected an integer >= 1, got ${String(fallbackAfter)}`);
  }
  const probeIntervalMs = settings.probeIntervalMs ?? DEFAULT_FALLBACK.probeIntervalMs;
  checkDuration('fallback.probeIntervalMs', probeIntervalMs);
  const waitMs = settings.polling?.waitMs;
  if (waitMs !== undefined) checkDuration('fallback.polling.waitMs', waitMs, true);
  return createFallbackTransport({
    websocket,
    clock,
    fallbackAfter,
    probeIntervalMs,
    polling: { clock, ...settings.polling },
  });
}

function resolveProfile(input: ClientOptions['profile']): Profile {
  if (input === undefined) return { kind: 'stormwatch' };
  const check = checkProfile(input);
  if (check.ok) return check.profile;
  const details = check.issues
    .map(
      (issue) => (issue.path.length > 0 ? `${formatIssuePath(issue.path)}: ` : '') + issue.message,
    )
    .join('; ');
  throw invalid(`profile: ${details}`);
}

/**
 * Applies defaults and validates. Throws ClientError CLIENT_INVALID_OPTIONS naming the option,
 * what was expected and what arrived.
 */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options.userId !== 'string' || options.userId === '') {
    throw invalid(`userId: expected a non-empty string, got ${JSON.stringify(options.userId)}`);
  }
  const bases = options.urls ?? (options.url === undefined ? [] : [options.url]);
  if (bases.length === 0) throw invalid('url: expected url or a non-empty urls array, got neither');
  const profile = resolveProfile(options.profile);
  // A Socket.IO URL names the namespace; the others get the endpoint path.
  const pathTemplate = profile.kind === 'socketio' ? '' : profile.path;
  const urls = bases.map((base) => buildEndpointUrl(base, options.userId, pathTemplate));

  const backoff: BackoffOptions = {
    ...DEFAULT_BACKOFF,
    ...options.backoff,
    giveUpAfterMs: 0,
  };
  checkDuration('backoff.initialDelayMs', backoff.initialDelayMs);
  checkDuration('backoff.maxDelayMs', backoff.maxDelayMs);
  checkDuration('backoff.minUptimeMs', backoff.minUptimeMs, true);
  if (!(backoff.multiplier >= 1)) {
    throw invalid(`backoff.multiplier: expected a number >= 1, got ${String(backoff.multiplier)}`);
  }
  if (
    !(backoff.maxAttempts >= 0) ||
    (Number.isFinite(backoff.maxAttempts) && !Number.isInteger(backoff.maxAttempts))
  ) {
    throw invalid(
      `backoff.maxAttempts: expected a non-negative integer or Infinity, got ${String(backoff.maxAttempts)}`,
    );
  }
  backoff.giveUpAfterMs = options.backoff?.giveUpAfterMs ?? retryBudgetMs(backoff);
  if (!(backoff.giveUpAfterMs >= 0)) {
    throw invalid(
      `backoff.giveUpAfterMs: expected a non-negative number of ms or Infinity, got ${String(backoff.giveUpAfterMs)}`,
    );
  }
  if (!JITTER_MODES.includes(backoff.jitter)) {
    throw invalid(
      `backoff.jitter: expected one of ${JITTER_MODES.join(', ')}, got ${JSON.stringify(backoff.jitter)}`,
    );
  }

  const pongTimeoutMs = options.heartbeat?.pongTimeoutMs ?? DEFAULT_HEARTBEAT.pongTimeoutMs;
  const heartbeat: HeartbeatOptions = {
    intervalMs: DEFAULT_HEARTBEAT.intervalMs,
    pongTimeoutMs,
    // The dead threshold follows a custom pong timeout unless given: 2 × pongTimeoutMs.
    deadAfterMs: 2 * pongTimeoutMs,
    ...options.heartbeat,
  };
  // Socket.IO has no client-initiated ping: Engine.IO's heartbeat, run by the server, rules.
  if (profile.kind === 'socketio') heartbeat.intervalMs = 0;
  checkDuration('heartbeat.intervalMs', heartbeat.intervalMs, true);
  checkDuration('heartbeat.pongTimeoutMs', heartbeat.pongTimeoutMs);
  checkDuration('heartbeat.deadAfterMs', heartbeat.deadAfterMs);

  const resume: ResumeOptions = { ...DEFAULT_RESUME, ...options.resume };
  if (!Number.isSafeInteger(resume.from.lastSeq) || resume.from.lastSeq < 0) {
    throw invalid(
      `resume.from.lastSeq: expected a non-negative integer, got ${String(resume.from.lastSeq)}`,
    );
  }

  checkDuration('resume.ackIntervalMs', resume.ackIntervalMs, true);
  if (!Number.isInteger(resume.ackEvery) || resume.ackEvery < 1) {
    throw invalid(`resume.ackEvery: expected an integer >= 1, got ${String(resume.ackEvery)}`);
  }

  const timeline: TimelineOptions = { ...DEFAULT_TIMELINE, ...options.timeline };
  checkDuration('timeline.retentionMs', timeline.retentionMs);
  if (!(timeline.maxEntries >= 0)) {
    throw invalid(
      `timeline.maxEntries: expected a number >= 0, got ${String(timeline.maxEntries)}`,
    );
  }

  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  checkDuration('connectTimeoutMs', connectTimeoutMs);

  const websocket = options.transport ?? createBrowserTransport();
  if (websocket === undefined) {
    throw invalid(
      'transport: no global WebSocket here; in Node pass createNodeTransport() from stormwatch/client/node',
    );
  }
  const clock = options.clock ?? systemClock;
  let transport: Transport;
  if (profile.kind === 'socketio' || websocket.speaks === 'socketio') {
    if (profile.kind !== 'socketio' || websocket.speaks !== 'socketio') {
      throw invalid(
        profile.kind === 'socketio'
          ? 'transport: profile socketio needs createSocketIoTransport() from stormwatch/client/node (createNodeClient makes one)'
          : `transport: a Socket.IO transport needs profile socketio, got profile ${profile.kind}`,
      );
    }
    if (options.fallback !== undefined && options.fallback !== false) {
      throw invalid(
        "fallback: needs the stormwatch profile (long polling is stormwatch's own API)",
      );
    }
    transport = websocket;
  } else if (profile.kind === 'stormwatch') {
    transport = withFallback(websocket, options.fallback, clock);
  } else {
    if (options.fallback !== undefined && options.fallback !== false) {
      throw invalid(
        `fallback: needs the stormwatch profile (long polling is stormwatch's own API), got profile ${profile.kind}`,
      );
    }
    transport = createProfileTransport({
      inner: websocket,
      profile,
      userId: options.userId,
      clock,
    });
  }

  return {
    machine: {
      urls,
      backoff,
      heartbeat,
      resume,
      connectTimeoutMs,
      tokenProvider: options.getToken !== undefined,
    },
    getToken: options.getToken,
    timeline,
    clock,
    random: options.random ?? systemRandom,
    transport,
    environment:
      options.environment === null
        ? undefined
        : (options.environment ?? createBrowserEnvironment()),
  };
}
