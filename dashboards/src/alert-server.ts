import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MetricName as M } from '../../src/metrics/names.js';
import {
  datasourceVariable,
  labelVariable,
  numberPanels,
  row,
  statPanel,
  steps,
  timeseriesPanel,
} from './panels.js';

/**
 * prom-client's default Node.js metrics (`collectDefaultMetrics`), which the alert server
 * exports beside `alert_server_*`. They are prom-client's names, not ours, so they live here
 * rather than in `src/metrics/names.ts`.
 */
export const NodeDefaultMetric = {
  residentMemory: 'process_resident_memory_bytes',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  externalMemory: 'nodejs_external_memory_bytes',
  cpuSeconds: 'process_cpu_seconds_total',
  eventLoopLagP50: 'nodejs_eventloop_lag_p50_seconds',
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
  eventLoopLagMax: 'nodejs_eventloop_lag_max_seconds',
} as const;

/** A server metric, limited to the chosen instance(s). */
function server(metric: string): string {
  return `${metric}{instance=~"$instance"}`;
}

const R = '$__rate_interval';
const RANGE = '$__range';

function perSecond(metric: string, by = ''): string {
  return `sum${by === '' ? '' : ` by (${by})`} (rate(${server(metric)}[${R}]))`;
}

function quantile(q: number, histogram: string): string {
  return `histogram_quantile(${q}, sum by (le) (rate(${server(`${histogram}_bucket`)}[${R}])))`;
}

/**
 * "Alert server": the server side of the channel — sockets, why they open, close and get
 * refused, heartbeat load, publish → delivery latency, and the Node.js process under it.
 */
export function buildAlertServer(): dashboard.Dashboard {
  const d = new dashboard.DashboardBuilder('Stormwatch — alert server')
    .uid('stormwatch-alert-server')
    .description(
      'The alert server: WebSocket connections, rejections, heartbeats, delivery, process.',
    )
    .tags(['stormwatch'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time({ from: 'now-30m', to: 'now' })
    .timezone('browser')
    .withVariable(datasourceVariable())
    .withVariable(labelVariable('instance', 'Server instance', M.serverBuildInfo))
    .withRow(row('Now', 0))
    .withPanel(
      statPanel({
        title: 'Open connections',
        description: 'WebSocket connections open now, over the chosen instances.',
        unit: 'short',
        at: [0, 1, 6, 4],
        query: { expr: `sum(${server(M.serverConnections)})` },
      }),
    )
    .withPanel(
      statPanel({
        title: 'Alerts published',
        description: 'Alerts accepted by POST /api/alerts over the time range.',
        unit: 'short',
        decimals: 0,
        at: [6, 1, 6, 4],
        query: { expr: `sum(increase(${server(M.serverAlertsPublished)}[${RANGE}]))` },
      }),
    )
    .withPanel(
      statPanel({
        title: 'Upgrades refused',
        description: 'WebSocket upgrades refused at HTTP (401/403/429/503) over the time range.',
        unit: 'short',
        decimals: 0,
        at: [12, 1, 6, 4],
        query: {
          expr: `sum(increase(${server(M.serverRejected)}[${RANGE}])) or vector(0)`,
        },
        thresholds: steps('green', [1, 'orange']),
      }),
    )
    .withPanel(
      statPanel({
        title: 'Version',
        description: 'alert_server_build_info: stormwatch version and Node.js version.',
        at: [18, 1, 6, 4],
        query: {
          expr: `count by (version, node) (${server(M.serverBuildInfo)})`,
          legend: '{{version}} (node {{node}})',
        },
      }).textMode(common.BigValueTextMode.Name),
    )
    .withRow(row('Connections', 5))
    .withPanel(
      timeseriesPanel({
        title: 'Connections',
        description: 'Open WebSocket connections per instance.',
        unit: 'short',
        min: 0,
        at: [0, 6, 12, 8],
        queries: [
          { expr: `sum by (instance) (${server(M.serverConnections)})`, legend: '{{instance}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Opens and closes by reason',
        description:
          'Connections accepted per second, and connections ended per second by reason (client_close, heartbeat, flood, restart…).',
        unit: 'ops',
        min: 0,
        at: [12, 6, 12, 8],
        queries: [
          { expr: perSecond(M.serverConnectionsOpened), legend: 'opened' },
          { expr: perSecond(M.serverDisconnections, 'reason'), legend: 'closed: {{reason}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Rejections by reason',
        description:
          'Upgrades refused per second: unauthorized, forbidden, rate_limited, shutting_down.',
        unit: 'ops',
        min: 0,
        stacked: true,
        at: [0, 14, 12, 8],
        queries: [{ expr: perSecond(M.serverRejected, 'reason'), legend: '{{reason}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pings per second',
        description:
          'Application-level pings answered per second (each client pings every interval).',
        unit: 'ops',
        min: 0,
        at: [12, 14, 12, 8],
        queries: [{ expr: perSecond(M.serverPings), legend: 'pings/s' }],
      }),
    )
    .withRow(row('Delivery', 22))
    .withPanel(
      timeseriesPanel({
        title: 'Publish → delivery latency',
        description: 'Publish to the client acknowledging the alert: p50, p95, p99.',
        unit: 's',
        min: 0,
        at: [0, 23, 12, 8],
        queries: [
          { expr: quantile(0.5, M.serverAlertDeliveryDuration), legend: 'p50' },
          { expr: quantile(0.95, M.serverAlertDeliveryDuration), legend: 'p95' },
          { expr: quantile(0.99, M.serverAlertDeliveryDuration), legend: 'p99' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Deliveries by outcome',
        description: 'Alert deliveries per second: sent live, replayed on resume, acked, dropped.',
        unit: 'ops',
        min: 0,
        at: [12, 23, 12, 8],
        queries: [
          { expr: perSecond(M.serverAlertDeliveries, 'outcome'), legend: '{{outcome}}' },
          {
            expr: perSecond(M.serverAlertsPublished, 'severity'),
            legend: 'published: {{severity}}',
          },
        ],
      }),
    )
    .withRow(row('Process', 31))
    .withPanel(
      timeseriesPanel({
        title: 'Event-loop lag',
        description:
          "Node.js event-loop delay (prom-client's perf_hooks histogram): p50, p99, max.",
        unit: 's',
        min: 0,
        at: [0, 32, 8, 8],
        queries: [
          { expr: `max(${server(NodeDefaultMetric.eventLoopLagP50)})`, legend: 'p50' },
          { expr: `max(${server(NodeDefaultMetric.eventLoopLagP99)})`, legend: 'p99' },
          { expr: `max(${server(NodeDefaultMetric.eventLoopLagMax)})`, legend: 'max' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Memory',
        description: 'Resident set size, V8 heap used and total, and external (Buffers) memory.',
        unit: 'bytes',
        min: 0,
        at: [8, 32, 8, 8],
        queries: [
          { expr: `sum(${server(NodeDefaultMetric.residentMemory)})`, legend: 'rss' },
          { expr: `sum(${server(NodeDefaultMetric.heapUsed)})`, legend: 'heap used' },
          { expr: `sum(${server(NodeDefaultMetric.heapTotal)})`, legend: 'heap total' },
          { expr: `sum(${server(NodeDefaultMetric.externalMemory)})`, legend: 'external' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CPU',
        description: 'CPU time used per second (1 = one core busy).',
        unit: 'percentunit',
        min: 0,
        at: [16, 32, 8, 8],
        queries: [{ expr: perSecond(NodeDefaultMetric.cpuSeconds), legend: 'cpu' }],
      }),
    )
    .build();
  return numberPanels(d);
}
