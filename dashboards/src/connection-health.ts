import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MetricName as M } from '../../src/metrics/names.js';
import {
  datasourceVariable,
  heatmapPanel,
  labelVariable,
  numberPanels,
  prometheusAnnotation,
  row,
  stateTimelinePanel,
  statPanel,
  steps,
  timeseriesPanel,
} from './panels.js';

/** The fleet's metrics, limited to the chosen runner job(s). */
function fleet(metric: string, matchers = ''): string {
  return `${metric}{job=~"$job"${matchers === '' ? '' : `, ${matchers}`}}`;
}

/** Sum of a counter's increase over `window`, optionally by label. */
function inc(metric: string, window: string, matchers = ''): string {
  return `sum(increase(${fleet(metric, matchers)}[${window}]))`;
}

/** Uptime over `window`: connected / (connected + disconnected) client-seconds. */
function uptime(window: string): string {
  const up = `sum(rate(${fleet(M.clientConnectedSeconds)}[${window}]))`;
  const down = `sum(rate(${fleet(M.clientDisconnectedSeconds)}[${window}]))`;
  return `${up} / (${up} + ${down})`;
}

/** Share of reconnect episodes over `window` that ended connected (0 when all failed). */
function reconnectSuccess(window: string): string {
  const all = `sum(increase(${fleet(M.clientReconnectEpisodes)}[${window}]))`;
  return `(${inc(M.clientReconnectEpisodes, window, 'outcome="recovered"')} or ${all} * 0) / ${all}`;
}

function quantile(q: number, histogram: string, window: string): string {
  return `histogram_quantile(${q}, sum by (le) (rate(${fleet(`${histogram}_bucket`)}[${window}])))`;
}

function average(histogram: string, window: string): string {
  return `sum(rate(${fleet(`${histogram}_sum`)}[${window}])) / sum(rate(${fleet(`${histogram}_count`)}[${window}]))`;
}

const R = '$__rate_interval';
const RANGE = '$__range';

/** Maps 0 → ok (green) and 1 → the row's bad state (red) on the state timeline. */
const ON_OFF: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      '0': { text: 'ok', color: 'green', index: 0 },
      '1': { text: 'active', color: 'red', index: 1 },
    },
  },
];

/**
 * "Connection health": what a Grafana viewer watches while a chaos scenario runs — uptime,
 * connected clients, faults against the fleet's state, reconnect time and success, pong RTT,
 * disconnections and alert delivery. Durations are scenario seconds (as in the run report).
 */
export function buildConnectionHealth(): dashboard.Dashboard {
  const d = new dashboard.DashboardBuilder('Stormwatch — connection health')
    .uid('stormwatch-connection-health')
    .description(
      'Reconnecting clients under chaos: uptime, reconnects, heartbeat RTT and alert delivery, with fault windows as annotations.',
    )
    .tags(['stormwatch', 'slo'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time({ from: 'now-30m', to: 'now' })
    .timezone('browser')
    .withVariable(datasourceVariable())
    .withVariable(labelVariable('job', 'Runner job', M.clientConnected))
    .annotation(
      prometheusAnnotation({
        name: 'Faults',
        expr: `max by (fault) (${fleet(M.chaosFaultActive)}) == 1`,
        iconColor: 'rgba(255, 96, 96, 1)',
        titleFormat: 'fault: {{fault}}',
        tagKeys: 'fault',
        step: '5s',
      }),
    )
    .withRow(row('SLOs over the time range', 0))
    .withPanel(
      statPanel({
        title: 'Uptime',
        description:
          'Client-seconds connected ÷ client-seconds meant to be connected, over the whole time range (not a sampled 0/1 gauge). SLO: > 99 %.',
        unit: 'percentunit',
        decimals: 2,
        min: 0,
        max: 1,
        at: [0, 1, 4, 4],
        query: { expr: uptime(RANGE) },
        thresholds: steps('red', [0.95, 'orange'], [0.99, 'green']),
      }),
    )
    .withPanel(
      statPanel({
        title: 'Connected clients',
        description: 'Clients connected now (good or poor link quality).',
        unit: 'short',
        at: [4, 1, 4, 4],
        query: { expr: `sum(${fleet(M.clientConnected)})` },
      }),
    )
    .withPanel(
      statPanel({
        title: 'Reconnect success',
        description:
          'Reconnect episodes that ended connected ÷ all that ended (the rest exhausted their attempts). SLO: > 95 %.',
        unit: 'percentunit',
        decimals: 1,
        min: 0,
        max: 1,
        at: [8, 1, 4, 4],
        query: { expr: reconnectSuccess(RANGE) },
        thresholds: steps('red', [0.95, 'green']),
        noValue: 'no reconnects',
      }),
    )
    .withPanel(
      statPanel({
        title: 'Reconnect time p95',
        description:
          'p95 of loss → connected again over the time range. Target: < 10 s (avg < 5 s).',
        unit: 's',
        decimals: 2,
        at: [12, 1, 4, 4],
        query: { expr: quantile(0.95, M.clientReconnectDuration, RANGE) },
        thresholds: steps('green', [5, 'orange'], [10, 'red']),
        noValue: 'no reconnects',
      }),
    )
    .withPanel(
      statPanel({
        title: 'Alerts missed',
        description:
          'Alerts the server no longer held when a client resumed (alert_client_alerts_missed_total): lost for good. Should read 0. alert_client_alerts_undelivered shows what is still in flight.',
        unit: 'short',
        decimals: 0,
        at: [16, 1, 4, 4],
        query: { expr: inc(M.clientAlertsMissed, RANGE) },
        thresholds: steps('green', [1, 'red']),
      }),
    )
    .withPanel(
      statPanel({
        title: 'Alerts duplicated',
        description:
          'Alerts handed to the app more than once (resume + dedupe failed). Should read 0.',
        unit: 'short',
        decimals: 0,
        at: [20, 1, 4, 4],
        query: { expr: inc(M.clientAlertsDuplicate, RANGE) },
        thresholds: steps('green', [1, 'red']),
      }),
    )
    .withRow(row('Connection state', 5))
    .withPanel(
      stateTimelinePanel({
        title: 'Connection state and faults',
        description:
          'One row per injected fault (red while applied) and per steady-state probe (red while it does not hold, e.g. not every client connected).',
        at: [0, 6, 24, 6],
        queries: [
          { expr: `max by (fault) (${fleet(M.chaosFaultActive)})`, legend: 'fault: {{fault}}' },
          {
            expr: `1 - min by (probe) (${fleet(M.chaosSteadyStateMet)})`,
            legend: 'steady state broken: {{probe}}',
          },
        ],
        mappings: ON_OFF,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Connected clients by link quality',
        description:
          'Connected clients, stacked by quality: poor means a pong arrived later than the pong timeout.',
        unit: 'short',
        min: 0,
        stacked: true,
        at: [0, 12, 12, 8],
        queries: [{ expr: `sum by (quality) (${fleet(M.clientQuality)})`, legend: '{{quality}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Uptime ratio',
        description:
          'Connected ÷ meant-to-be-connected client-seconds per rate interval. SLO line: 99 %.',
        unit: 'percentunit',
        max: 1,
        thresholdLine: 0.99,
        at: [12, 12, 12, 8],
        queries: [{ expr: uptime(R), legend: 'uptime' }],
      }),
    )
    .withRow(row('Reconnects', 20))
    .withPanel(
      timeseriesPanel({
        title: 'Reconnect time',
        description:
          'Loss → connected again: p50, p95 and average per rate interval (scenario seconds).',
        unit: 's',
        min: 0,
        thresholdLine: 5,
        at: [0, 21, 8, 8],
        queries: [
          { expr: quantile(0.5, M.clientReconnectDuration, R), legend: 'p50' },
          { expr: quantile(0.95, M.clientReconnectDuration, R), legend: 'p95' },
          { expr: average(M.clientReconnectDuration, R), legend: 'avg' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Reconnect success ratio',
        description:
          'Episodes ending connected ÷ episodes ending, per rate interval. SLO line: 95 %.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholdLine: 0.95,
        at: [8, 21, 8, 8],
        queries: [{ expr: reconnectSuccess(R), legend: 'success' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Disconnections per hour',
        description: 'Connections lost per hour, by reason (rate × 3600).',
        unit: 'short',
        min: 0,
        stacked: true,
        at: [16, 21, 8, 8],
        queries: [
          {
            expr: `sum by (reason) (rate(${fleet(M.clientDisconnections)}[${R}])) * 3600`,
            legend: '{{reason}}',
          },
        ],
      }),
    )
    .withRow(row('Heartbeat', 29))
    .withPanel(
      heatmapPanel({
        title: 'Pong RTT',
        description: 'Ping → pong round trips per bucket (latency faults push them past 10 s).',
        unit: 's',
        at: [0, 30, 12, 8],
        query: {
          expr: `sum by (le) (increase(${fleet(`${M.clientPongRtt}_bucket`)}[${R}]))`,
          legend: '{{le}}',
        },
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pong RTT p95',
        description: 'p50 and p95 ping → pong round trip. SLO line: p95 < 100 ms.',
        unit: 's',
        min: 0,
        thresholdLine: 0.1,
        at: [12, 30, 12, 8],
        queries: [
          { expr: quantile(0.5, M.clientPongRtt, R), legend: 'p50' },
          { expr: quantile(0.95, M.clientPongRtt, R), legend: 'p95' },
        ],
      }),
    )
    .withRow(row('Alerts', 38))
    .withPanel(
      timeseriesPanel({
        title: 'Alerts delivered to the app',
        description:
          'First deliveries per second, with duplicates and missed (both should stay 0).',
        unit: 'short',
        min: 0,
        at: [0, 39, 12, 8],
        queries: [
          { expr: `sum(rate(${fleet(M.clientAlertsReceived)}[${R}]))`, legend: 'delivered/s' },
          { expr: `sum(rate(${fleet(M.clientAlertsDuplicate)}[${R}]))`, legend: 'duplicated/s' },
          { expr: `sum(rate(${fleet(M.clientAlertsMissed)}[${R}]))`, legend: 'missed/s' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Alert latency to the app',
        description: 'Publish → delivered to the app: p50 and p95.',
        unit: 's',
        min: 0,
        at: [12, 39, 12, 8],
        queries: [
          { expr: quantile(0.5, M.clientAlertLatency, R), legend: 'p50' },
          { expr: quantile(0.95, M.clientAlertLatency, R), legend: 'p95' },
        ],
      }),
    )
    .build();
  return numberPanels(d);
}
