import type { DestinationStream } from 'pino';
import type { Clock, HeartbeatAdvice } from '../protocol/index.js';
import type { Registry } from '../metrics/index.js';
import type { AuthOptions } from './auth.js';
import type { Broker } from './broker/broker.js';
import type { ConnectionLimits } from './core/types.js';
import type { DemoTokenOptions } from './routes/view.js';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** How tokens are verified: `{ secret }` (HS256) or `{ jwksUrl }`. Required. */
  auth: AuthOptions;
  /** Where alerts live. Default: a memory broker with `historySize` alerts per user. */
  broker?: Broker | undefined;
  /** Alerts kept per user by the default memory broker. Default 1000. */
  historySize?: number | undefined;
  /** Default: the system clock's time, with timers queued behind one host timer (QueuedClock). */
  clock?: Clock | undefined;
  /** Source of randomness (the Retry-After spread of a full instance). Default: Math.random. */
  random?: (() => number) | undefined;
  /** Heartbeat advertised in `hello`. Default ping every 30 s, pong within 10 s. */
  heartbeat?: HeartbeatAdvice | undefined;
  /** Per-connection limits; unset fields keep their defaults (see ConnectionLimits). */
  limits?: Partial<ConnectionLimits> | undefined;
  /**
   * Logging: false for none, true for JSON at `LOG_LEVEL` (default info), or a level and
   * a destination stream. Tokens are redacted in every case.
   */
  logger?: boolean | { level?: string; stream?: DestinationStream } | undefined;
  /** Metrics registry. Default: a new one per server (so servers in one process don't clash). */
  registry?: Registry | undefined;
  /** Collect prom-client's default process metrics. Default true. */
  defaultMetrics?: boolean | undefined;
  /** After a shutdown's close frames, sockets still open are dropped after this, in ms. Default 5000. */
  shutdownGraceMs?: number | undefined;
  /** Largest HTTP body accepted, in bytes. Default 64 KiB. */
  bodyLimit?: number | undefined;
  /**
   * Demo mode for the health view: `GET /api/demo-token` hands out short-lived user tokens
   * (default user `demo`, 300 s, 20 a minute per address). Needs `auth.secret`. Default off:
   * the route answers 404.
   */
  demoToken?: boolean | DemoTokenOptions | undefined;
  /**
   * Origins whose pages may poll `GET /api/alerts` and `GET /healthz` from the browser (the
   * polling fallback of a dashboard served elsewhere): exact origins, or `*`. Default none.
   */
  corsOrigins?: readonly string[] | undefined;
}
