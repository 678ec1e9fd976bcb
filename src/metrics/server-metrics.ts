import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DELIVERY_BUCKETS_S, MetricName } from './names.js';

/** Why a server-side connection ended (the `reason` label). */
export type ServerDisconnectReason =
  | 'client_close'
  | 'heartbeat'
  | 'flood'
  | 'too_big'
  | 'token_expired'
  | 'shutdown'
  | 'restart'
  | 'terminated'
  | 'abnormal'
  | 'error';

/**
 * The `code` label of a close: the codes of protocol v1 and RFC 6455 that a socket can end
 * with, else `other` (a peer may send any code from 3000 to 4999; labels stay bounded).
 */
export function closeCodeLabel(code: number): string {
  return KNOWN_CLOSE_CODES.has(code) ? String(code) : 'other';
}

const KNOWN_CLOSE_CODES = new Set([
  1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 4000,
  4401, 4403,
]);

/** Why an upgrade was refused (the `reason` label). */
export type ServerRejectReason =
  'unauthorized' | 'forbidden' | 'rate_limited' | 'shutting_down' | 'full';

/** Outcome of one alert delivery attempt (the `outcome` label). */
export type DeliveryOutcome = 'sent' | 'replayed' | 'acked' | 'dropped';

/** The alert server's metrics, registered on one registry. */
export interface ServerMetrics {
  connections: Gauge;
  connectionsOpened: Counter;
  disconnections: Counter<'reason'>;
  closes: Counter<'code'>;
  rejected: Counter<'reason'>;
  pings: Counter;
  polls: Counter<'outcome'>;
  pollsWaiting: Gauge;
  alertsPublished: Counter<'severity'>;
  alertDeliveries: Counter<'outcome'>;
  alertDeliveryDuration: Histogram;
  buildInfo: Gauge<'version' | 'node'>;
}

/** Registers the `alert_server_*` metrics on `registry`. */
export function createServerMetrics(registry: Registry, version: string): ServerMetrics {
  const registers = [registry];
  const metrics: ServerMetrics = {
    connections: new Gauge({
      name: MetricName.serverConnections,
      help: 'Open WebSocket connections.',
      registers,
    }),
    polls: new Counter({
      name: MetricName.serverPolls,
      help: 'Polls of GET /api/alerts (the polling fallback) by outcome: alerts (answered with some), empty (the wait ended without one).',
      labelNames: ['outcome'],
      registers,
    }),
    pollsWaiting: new Gauge({
      name: MetricName.serverPollsWaiting,
      help: 'Long polls waiting for a first alert now.',
      registers,
    }),
    connectionsOpened: new Counter({
      name: MetricName.serverConnectionsOpened,
      help: 'WebSocket connections accepted.',
      registers,
    }),
    disconnections: new Counter({
      name: MetricName.serverDisconnections,
      help: 'WebSocket connections ended, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    closes: new Counter({
      name: MetricName.serverCloses,
      help: 'WebSocket connections ended, by close code (1008: closed by the flood guard).',
      labelNames: ['code'],
      registers,
    }),
    rejected: new Counter({
      name: MetricName.serverRejected,
      help: 'WebSocket upgrades refused at HTTP, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    pings: new Counter({
      name: MetricName.serverPings,
      help: 'Application-level pings answered.',
      registers,
    }),
    alertsPublished: new Counter({
      name: MetricName.serverAlertsPublished,
      help: 'Alerts accepted for delivery, by severity.',
      labelNames: ['severity'],
      registers,
    }),
    alertDeliveries: new Counter({
      name: MetricName.serverAlertDeliveries,
      help: 'Alert deliveries to sockets, by outcome (sent, replayed, acked, dropped).',
      labelNames: ['outcome'],
      registers,
    }),
    alertDeliveryDuration: new Histogram({
      name: MetricName.serverAlertDeliveryDuration,
      help: 'Time from publish to the client acknowledging the alert, in seconds.',
      buckets: DELIVERY_BUCKETS_S,
      registers,
    }),
    buildInfo: new Gauge({
      name: MetricName.serverBuildInfo,
      help: 'Build information; always 1.',
      labelNames: ['version', 'node'],
      registers,
    }),
  };
  metrics.buildInfo.set({ version, node: process.versions.node }, 1);
  return metrics;
}
