import { useCallback, useEffect, useRef, useState } from 'react';
import {
  createClient,
  systemClock,
  type Client,
  type ClientEventMap,
  type ClientOptions,
  type ClientStats,
  type ClientStateName,
  type Quality,
  type TimelineEntry,
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
}

/** What {@link useAlertClient} returns; re-rendered on every client event. */
export interface AlertClientView {
  /** Connection state; `disconnected` before the client exists. */
  state: ClientStateName;
  /** `good` | `poor` while connected, else undefined. */
  quality: Quality | undefined;
  /** Retry number of the current or last attempt. */
  attempt: number;
  /** Health over the last 24 h (uptime, downtime, success rate, reconnect times, RTT…). */
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

interface Snapshot {
  state: ClientStateName;
  quality: Quality | undefined;
  attempt: number;
  stats: ClientStats | undefined;
  timeline: TimelineEntry[];
}

const IDLE: Snapshot = {
  state: 'disconnected',
  quality: undefined,
  attempt: 0,
  stats: undefined,
  timeline: [],
};

function snapshotOf(client: Client): Snapshot {
  return {
    state: client.state,
    quality: client.quality,
    attempt: client.attempt,
    stats: client.stats(),
    timeline: client.timeline(),
  };
}

/**
 * Runs a stormwatch reconnecting client for the component's lifetime and returns its state,
 * link quality, attempt, 24 h stats and timeline, the alerts received, and `reconnect` /
 * `disconnect`. The client is created on mount and disposed on unmount; it is re-created when
 * the endpoint (`url`/`urls`) or `userId` changes. Other options are read when it is created;
 * `getToken` is always the latest one passed, so an inline arrow function is fine.
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
  const [snapshot, setSnapshot] = useState<Snapshot>(IDLE);
  const [alerts, setAlerts] = useState<BreachAlert[]>([]);
  const endpoint = options.urls?.join('\n') ?? options.url ?? '';
  const { userId } = options;

  useEffect(() => {
    const {
      autoConnect = true,
      statsIntervalMs = 1000,
      maxAlerts = 100,
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
    const refresh = (): void => setSnapshot(snapshotOf(client));
    const off = [
      client.on('state', refresh),
      client.on('quality', refresh),
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
