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

/** Why an upgrade was refused (the `reason` label). */
export type ServerRejectReason = 'unauthorized' | 'forbidden' | 'rate_limited' | 'shutting_down';

/** Outcome of one alert delivery attempt (the `outcome` label). */
export type DeliveryOutcome = 'sent' | 'replayed' | 'acked' | 'dropped';

/** The alert server's metrics, registered on one registry. */
export interface ServerMetrics {
  connections: Gauge;
  connectionsOpened: Counter;
  disconnections: Counter<'reason'>;
  rejected: Counter<'reason'>;
  pings: Counter;
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
