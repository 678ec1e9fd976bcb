import { useCallback, useEffect, useRef, useState } from 'react';
import {
  createClient,
  DEFAULT_BACKOFF,
  DEFAULT_STATS_WINDOW_MS,
  systemClock,
  type Client,
  type ClientEventMap,
  type ClientOptions,
  type ClientStats,
  type ClientStateName,
  type Quality,
  type StateChange,
  type TimelineEntry,
  type TransportKind,
} from '../client/index.js';

/** A breach alert as the client delivers it. */
export type BreachAlert = ClientEventMap['alert'];

/** Options of {@link useAlertClient}: the client's, plus how the hook refreshes and keeps alerts. */
export interface UseAlertClientOptions extends ClientOptions {
  /**
   * Connect on mount. Default true; false leaves the client `disconnected` until `reconnect()`.
   */
  autoConnect?: boolean;
  /** How often `stats` is recomputed while mounted (uptime moves with time), ms. Default 1000. */
  statsIntervalMs?: number;
  /** Alerts kept in `alerts`, newest first. Default 100. */
  maxAlerts?: number;
  /** Window of `stats`, ms. Default 24 h ({@link DEFAULT_STATS_WINDOW_MS}). */
  statsWindowMs?: number;
}

/** What {@link useAlertClient} returns; re-rendered on every client event. */
export interface AlertClientView {
  /** Connection state; `disconnected` before the client exists. */
  state: ClientStateName;
  /** `good` | `poor` while connected, else undefined. */
  quality: Quality | undefined;
  /** Retry number of the current or last attempt. */
  attempt: number;
  /**
   * The backoff's retry count (`backoff.maxAttempts`, default 10; Infinity never gives up), for
   * "attempt n of max".
   */
  maxAttempts: number;
  /** While `reconnecting`: when the next attempt starts, epoch ms on the client's clock. */
  nextRetryAt: number | undefined;
  /** The latest `state` event (reason, close code, delay…); undefined before the first. */
  lastChange: StateChange | undefined;
  /** Round-trip time of the latest pong, ms (pongs measured in a hidden tab are skipped). */
  lastPongRttMs: number | undefined;
  /** While connected: `websocket`, or `polling` on the long-polling fallback (`fallback` option). */
  transport: TransportKind | undefined;
  /**
   * Health over the last `statsWindowMs` (default 24 h): uptime, downtime, success rate,
   * reconnect times, RTT…; `stats.to` is the clock time it was computed at.
   */
  stats: ClientStats | undefined;
  /** The bounded 24 h timeline, oldest first. */
  timeline: TimelineEntry[];
  /** Alerts received since mount, newest first, each exactly once. */
  alerts: BreachAlert[];
  /** Drops the connection, if any, and attempts now with a fresh retry budget. Stable identity. */
  reconnect: () => void;
  /** Closes the connection; it stays closed until `reconnect()`. Stable identity. */
  disconnect: () => void;
}

type Snapshot = Omit<AlertClientView, 'alerts' | 'reconnect' | 'disconnect'>;

/** What the client's events told the hook beyond the client's own getters. */
interface Heard {
  lastChange: StateChange | undefined;
  lastPongRttMs: number | undefined;
}

function maxAttemptsOf(options: UseAlertClientOptions): number {
  return options.backoff?.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts;
}

function idleSnapshot(options: UseAlertClientOptions): Snapshot {
  return {
    state: 'disconnected',
    quality: undefined,
    attempt: 0,
    maxAttempts: maxAttemptsOf(options),
    nextRetryAt: undefined,
    lastChange: undefined,
    lastPongRttMs: undefined,
    transport: undefined,
    stats: undefined,
    timeline: [],
  };
}

function snapshotOf(
  client: Client,
  heard: Heard,
  maxAttempts: number,
  statsWindowMs: number,
): Snapshot {
  const { lastChange } = heard;
  return {
    state: client.state,
    quality: client.quality,
    attempt: client.attempt,
    maxAttempts,
    nextRetryAt:
      client.state === 'reconnecting' &&
      lastChange?.to === 'reconnecting' &&
      lastChange.delayMs !== undefined
        ? lastChange.at + lastChange.delayMs
        : undefined,
    lastChange,
    lastPongRttMs: heard.lastPongRttMs,
    transport: client.transport,
    stats: client.stats(statsWindowMs),
    timeline: client.timeline(),
  };
}

/**
 * Runs a stormwatch reconnecting client for the component's lifetime and returns its state,
 * link quality, attempt (of `maxAttempts`) and when the next one starts, the latest state
 * change and pong RTT, stats (over `statsWindowMs`, 24 h by default) and the timeline, the
 * alerts received, and `reconnect` / `disconnect`. The client is created on mount and disposed
 * on unmount; it is re-created when the endpoint (`url`/`urls`) or `userId` changes. Other
 * options are read when it is created; `getToken` is always the latest one passed, so an
 * inline arrow function is fine.
 *
 * @example
 * const { state, attempt, alerts, reconnect } = useAlertClient({
 *   url: 'wss://alerts.example.com', userId, getToken: () => auth.token(),
 * });
 */
export function useAlertClient(options: UseAlertClientOptions): AlertClientView {
  const latest = useRef(options);
  latest.current = options;
  const clientRef = useRef<Client | undefined>(undefined);
  const [snapshot, setSnapshot] = useState<Snapshot>(() => idleSnapshot(options));
  const [alerts, setAlerts] = useState<BreachAlert[]>([]);
  const endpoint = options.urls?.join('\n') ?? options.url ?? '';
  const { userId } = options;

  useEffect(() => {
    const {
      autoConnect = true,
      statsIntervalMs = 1000,
      maxAlerts = 100,
      statsWindowMs = DEFAULT_STATS_WINDOW_MS,
      getToken,
      ...clientOptions
    } = latest.current;
    const clock = clientOptions.clock ?? systemClock;
    const client = createClient({
      ...clientOptions,
      // Reads the latest provider at call time, so re-renders with a new closure need no new client.
      ...(getToken === undefined ? {} : { getToken: () => latest.current.getToken!() }),
    });
    clientRef.current = client;
    const maxAttempts = maxAttemptsOf(latest.current);
    const heard: Heard = { lastChange: undefined, lastPongRttMs: undefined };
    const refresh = (): void => setSnapshot(snapshotOf(client, heard, maxAttempts, statsWindowMs));
    const off = [
      client.on('state', (change) => {
        heard.lastChange = change;
        refresh();
      }),
      client.on('quality', refresh),
      client.on('transport', refresh),
      client.on('pong', (pong) => {
        // A hidden tab's timers are throttled: its RTTs measure the browser, not the link.
        if (pong.throttled) return;
        heard.lastPongRttMs = pong.rttMs;
        refresh();
      }),
      // The client delivers each alert once (resume + dedupe by seq); the list only bounds it.
      client.on('alert', (alert) => setAlerts((list) => [alert, ...list].slice(0, maxAlerts))),
    ];
    let timer = clock.setTimeout(function tick() {
      refresh();
      timer = clock.setTimeout(tick, statsIntervalMs);
    }, statsIntervalMs);
    setAlerts([]);
    refresh();
    if (autoConnect) client.connect();
    return () => {
      clock.clearTimeout(timer);
      for (const unsubscribe of off) unsubscribe();
      client.dispose();
      if (clientRef.current === client) clientRef.current = undefined;
    };
  }, [endpoint, userId]);

  const reconnect = useCallback(() => {
    const client = clientRef.current;
    if (client !== undefined && !client.disposed) client.reconnect();
  }, []);
  const disconnect = useCallback(() => {
    clientRef.current?.disconnect();
  }, []);

  return { ...snapshot, alerts, reconnect, disconnect };
}
