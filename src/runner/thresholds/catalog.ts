/**
 * The metrics a scenario may put thresholds on, with the aggregations each allows
 * (k6's rules: trends take avg/min/max/med/p(N)/count, rates take rate, counters take
 * count/rate, gauges take value).
 */
export type MetricKind = 'trend' | 'rate' | 'counter' | 'gauge';

/** Aggregations of k6 threshold expressions. */
export type Aggregation =
  | { kind: 'avg' }
  | { kind: 'min' }
  | { kind: 'max' }
  | { kind: 'med' }
  | { kind: 'count' }
  | { kind: 'rate' }
  | { kind: 'value' }
  | { kind: 'p'; percentile: number };

/** Threshold metrics and what they measure. */
export const THRESHOLD_METRICS = {
  reconnect_duration_seconds: {
    kind: 'trend',
    help: 'time from losing a connection to being connected again, per episode',
  },
  pong_rtt_seconds: { kind: 'trend', help: 'ping → pong round trip' },
  alert_latency_seconds: { kind: 'trend', help: 'publish → delivered to the app' },
  detection_seconds: { kind: 'trend', help: 'last frame received → link declared dead' },
  catch_up_seconds: {
    kind: 'trend',
    help: 'reconnect after a loss → every alert published before it delivered',
  },
  reconnect_success_ratio: { kind: 'rate', help: 'reconnect episodes that ended connected' },
  connection_success_ratio: { kind: 'rate', help: 'connection attempts that opened' },
  uptime_ratio: { kind: 'rate', help: 'client-time connected / client-time observed' },
  alerts_lost: { kind: 'counter', help: 'acknowledged by the server, never delivered' },
  alerts_duplicated: { kind: 'counter', help: 'delivered to the app more than once' },
  alerts_missed: { kind: 'counter', help: 'reported missing by the server on resume' },
  alerts_published: { kind: 'counter', help: 'acknowledged by the server' },
  alerts_delivered: { kind: 'counter', help: 'delivered to the app (first time)' },
  disconnections: {
    kind: 'counter',
    help: 'connected → not connected transitions, but for planned ones (4401, 1012)',
  },
  planned_disconnections: {
    kind: 'counter',
    help: 'disconnections the server asked for: token refresh (4401), service restart (1012)',
  },
  reconnect_attempts: { kind: 'counter', help: 'connection attempts after a loss' },
  failed_attempts: { kind: 'counter', help: 'connection attempts that did not open' },
  heartbeat_timeouts: {
    kind: 'counter',
    help: 'connections the client declared dead (close 4000)',
  },
  poor_transitions: { kind: 'counter', help: 'connected clients whose quality went poor' },
  history_resets: {
    kind: 'counter',
    help: 'clients told the server lost its history (a new epoch), one per client and reset',
  },
  policy_closes: {
    kind: 'counter',
    help: 'connections the server closed by policy (1008: flood guard)',
  },
  fallbacks: {
    kind: 'counter',
    help: 'connections that opened over long polling because WebSocket did not get through',
  },
  clients_failed: { kind: 'gauge', help: 'clients in state failed at the end' },
  clients_polling: {
    kind: 'gauge',
    help: 'clients connected over long polling at the end (not back on WebSocket)',
  },
  instance_connections_peak: {
    kind: 'gauge',
    help: 'the most sockets any one server instance held at once (its own count)',
  },
  peak_reconnects_per_second: {
    kind: 'gauge',
    help: 'most connection opens within any one (scenario) second',
  },
} as const satisfies Record<string, { kind: MetricKind; help: string }>;

/** A metric name thresholds accept. */
export type ThresholdMetric = keyof typeof THRESHOLD_METRICS;

/** True when `name` is a threshold metric. */
export function isThresholdMetric(name: string): name is ThresholdMetric {
  return Object.hasOwn(THRESHOLD_METRICS, name);
}

const ALLOWED: Record<MetricKind, ReadonlyArray<Aggregation['kind']>> = {
  trend: ['avg', 'min', 'max', 'med', 'p', 'count'],
  // A ratio's value is its rate; both spellings are accepted.
  rate: ['rate', 'value'],
  counter: ['count', 'rate'],
  gauge: ['value'],
};

/** Aggregations `metric` allows, for error messages. */
export function allowedAggregations(metric: ThresholdMetric): ReadonlyArray<Aggregation['kind']> {
  return ALLOWED[THRESHOLD_METRICS[metric].kind];
}
