/**
 * Every metric name stormwatch exports, in one place. Dashboards, recording rules and tests
 * read these names; renaming one here is a breaking change for all of them.
 */
export const MetricName = {
  // Alert server (alert_server_*).
  serverConnections: 'alert_server_ws_connections',
  serverConnectionsOpened: 'alert_server_ws_connections_opened_total',
  serverDisconnections: 'alert_server_ws_disconnections_total',
  serverCloses: 'alert_server_ws_closes_total',
  serverRejected: 'alert_server_ws_rejected_total',
  serverPings: 'alert_server_pings_total',
  serverPolls: 'alert_server_polls_total',
  serverPollsWaiting: 'alert_server_polls_waiting',
  serverAlertsPublished: 'alert_server_alerts_published_total',
  serverAlertDeliveries: 'alert_server_alert_deliveries_total',
  serverAlertDeliveryDuration: 'alert_server_alert_delivery_duration_seconds',
  serverBuildInfo: 'alert_server_build_info',
  // Client fleet (alert_client_*).
  clientConnected: 'alert_client_connected',
  clientState: 'alert_client_state',
  clientLongestOutage: 'alert_client_longest_outage_seconds',
  clientAlertsUndelivered: 'alert_client_alerts_undelivered',
  clientConnectedSeconds: 'alert_client_connected_seconds_total',
  clientDisconnectedSeconds: 'alert_client_disconnected_seconds_total',
  clientDisconnections: 'alert_client_disconnections_total',
  clientReconnectAttempts: 'alert_client_reconnect_attempts_total',
  clientReconnectEpisodes: 'alert_client_reconnect_episodes_total',
  clientReconnectDuration: 'alert_client_reconnect_duration_seconds',
  clientPongRtt: 'alert_client_pong_rtt_seconds',
  clientQuality: 'alert_client_quality',
  clientTransport: 'alert_client_transport',
  clientAlertsReceived: 'alert_client_alerts_received_total',
  clientAlertsDuplicate: 'alert_client_alerts_duplicate_total',
  clientAlertsMissed: 'alert_client_alerts_missed_total',
  clientAlertLatency: 'alert_client_alert_latency_seconds',
  // Chaos harness (chaos_*).
  chaosFaultActive: 'chaos_fault_active',
  chaosFaultsInjected: 'chaos_faults_injected_total',
  chaosSteadyStateMet: 'chaos_steady_state_met',
  chaosExperimentInfo: 'chaos_experiment_info',
} as const;

/** Histogram buckets for reconnect durations, in seconds (to 60 s). */
export const RECONNECT_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60];
/** Histogram buckets for pong RTT, in seconds (to 15 s: latency faults exceed 10 s). */
export const PONG_RTT_BUCKETS_S = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 12.5, 15,
];
/** Histogram buckets for publish→delivery latency, in seconds. */
export const DELIVERY_BUCKETS_S = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
