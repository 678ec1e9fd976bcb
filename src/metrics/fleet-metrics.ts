import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  MetricName,
  PONG_RTT_BUCKETS_S,
  RECONNECT_BUCKETS_S,
  DELIVERY_BUCKETS_S,
} from './names.js';

/** The client fleet's metrics (`alert_client_*`) and the harness's (`chaos_*`). */
export interface FleetMetrics {
  connected: Gauge;
  state: Gauge<'state'>;
  longestOutage: Gauge;
  alertsUndelivered: Gauge;
  connectedSeconds: Counter;
  disconnectedSeconds: Counter;
  disconnections: Counter<'reason'>;
  reconnectAttempts: Counter<'result'>;
  reconnectEpisodes: Counter<'outcome'>;
  reconnectDuration: Histogram;
  pongRtt: Histogram;
  quality: Gauge<'quality'>;
  transport: Gauge<'transport'>;
  alertsReceived: Counter;
  alertsDuplicate: Counter;
  alertsMissed: Counter;
  alertLatency: Histogram;
  faultActive: Gauge<'fault'>;
  faultsInjected: Counter<'fault'>;
  steadyStateMet: Gauge<'probe'>;
  experimentInfo: Gauge<'scenario' | 'run_id'>;
}

/**
 * Registers the fleet and harness metrics on `registry`. Labels are bounded: reasons, results,
 * qualities, fault and probe names from the scenario; never a user or client id.
 */
export function createFleetMetrics(registry: Registry): FleetMetrics {
  const registers = [registry];
  return {
    transport: new Gauge({
      name: MetricName.clientTransport,
      help: 'Connected clients per transport: websocket, or polling (the long-polling fallback).',
      labelNames: ['transport'],
      registers,
    }),
    connected: new Gauge({
      name: MetricName.clientConnected,
      help: 'Clients connected now.',
      registers,
    }),
    state: new Gauge({
      name: MetricName.clientState,
      help: 'Clients per connection state (connecting, connected, reconnecting, disconnected, failed).',
      labelNames: ['state'],
      registers,
    }),
    longestOutage: new Gauge({
      name: MetricName.clientLongestOutage,
      help: 'Longest time any client has been without a connection right now, seconds (0 when all are connected).',
      registers,
    }),
    alertsUndelivered: new Gauge({
      name: MetricName.clientAlertsUndelivered,
      help: 'Alerts the server acknowledged that some client of their user has not received yet.',
      registers,
    }),
    connectedSeconds: new Counter({
      name: MetricName.clientConnectedSeconds,
      help: 'Client-seconds spent connected (uptime = connected / (connected + disconnected)).',
      registers,
    }),
    disconnectedSeconds: new Counter({
      name: MetricName.clientDisconnectedSeconds,
      help: 'Client-seconds spent not connected while meant to be.',
      registers,
    }),
    disconnections: new Counter({
      name: MetricName.clientDisconnections,
      help: 'Connections lost, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    reconnectAttempts: new Counter({
      name: MetricName.clientReconnectAttempts,
      help: 'Connection attempts, by result (opened, failed).',
      labelNames: ['result'],
      registers,
    }),
    reconnectEpisodes: new Counter({
      name: MetricName.clientReconnectEpisodes,
      help: 'Reconnect episodes ended, by outcome (recovered, failed).',
      labelNames: ['outcome'],
      registers,
    }),
    reconnectDuration: new Histogram({
      name: MetricName.clientReconnectDuration,
      help: 'Time from losing a connection to being connected again, seconds.',
      buckets: RECONNECT_BUCKETS_S,
      registers,
    }),
    pongRtt: new Histogram({
      name: MetricName.clientPongRtt,
      help: 'Application ping → pong round trip, seconds.',
      buckets: PONG_RTT_BUCKETS_S,
      registers,
    }),
    quality: new Gauge({
      name: MetricName.clientQuality,
      help: 'Connected clients by link quality.',
      labelNames: ['quality'],
      registers,
    }),
    alertsReceived: new Counter({
      name: MetricName.clientAlertsReceived,
      help: 'Alerts delivered to the app (first delivery).',
      registers,
    }),
    alertsDuplicate: new Counter({
      name: MetricName.clientAlertsDuplicate,
      help: 'Alerts delivered to the app more than once.',
      registers,
    }),
    alertsMissed: new Counter({
      name: MetricName.clientAlertsMissed,
      help: 'Alerts the server reported as no longer in history on resume.',
      registers,
    }),
    alertLatency: new Histogram({
      name: MetricName.clientAlertLatency,
      help: 'Publish → delivered to the app, seconds.',
      buckets: DELIVERY_BUCKETS_S,
      registers,
    }),
    faultActive: new Gauge({
      name: MetricName.chaosFaultActive,
      help: '1 while a fault is applied.',
      labelNames: ['fault'],
      registers,
    }),
    faultsInjected: new Counter({
      name: MetricName.chaosFaultsInjected,
      help: 'Faults applied, by fault.',
      labelNames: ['fault'],
      registers,
    }),
    steadyStateMet: new Gauge({
      name: MetricName.chaosSteadyStateMet,
      help: '1 when the steady-state probe holds, 0 when not.',
      labelNames: ['probe'],
      registers,
    }),
    experimentInfo: new Gauge({
      name: MetricName.chaosExperimentInfo,
      help: 'The running scenario; always 1.',
      labelNames: ['scenario', 'run_id'],
      registers,
    }),
  };
}
