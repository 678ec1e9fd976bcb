import type { ClientStats } from '../client/index.js';
import { formatDuration, formatMs, formatPercent } from './format.js';

/** One figure of the stats grid. */
export interface StatItem {
  /** Stable id, also the `data-stat` attribute tests and styles use. */
  id:
    | 'uptime'
    | 'downtime'
    | 'success-rate'
    | 'avg-reconnect'
    | 'failed-attempts'
    | 'disconnections'
    | 'rtt';
  label: string;
  value: string;
  /** Extra context for a tooltip and screen readers. */
  hint: string;
}

/**
 * The stats grid: uptime %, total downtime, attempt success rate, average reconnect time,
 * failed attempts, disconnections and the current pong round trip. `lastRttMs` is the latest
 * pong's RTT (the live figure), the distribution goes to the hint.
 */
export function statsModel(stats: ClientStats, lastRttMs: number | undefined): StatItem[] {
  const window = formatDuration(stats.windowMs);
  const rtt = stats.pongRttMs;
  const reconnect = stats.reconnectMs;
  return [
    {
      id: 'uptime',
      // The window it covers is part of the figure: 1.6 % of one second is not 1.6 % of a day.
      label: `Uptime · ${formatDuration(stats.observedMs)}`,
      value: formatPercent(stats.uptimeRatio),
      hint: `connected ${formatDuration(stats.uptimeMs)} of ${formatDuration(stats.observedMs)} observed in the last ${window}`,
    },
    {
      id: 'downtime',
      label: 'Total downtime',
      value: formatDuration(stats.downtimeMs),
      hint: `time not connected while meant to be, last ${window}`,
    },
    {
      id: 'success-rate',
      label: 'Success rate',
      value: formatPercent(stats.successRate),
      hint: `${stats.successfulAttempts} of ${stats.attempts} connection attempts opened`,
    },
    {
      id: 'avg-reconnect',
      label: 'Avg reconnect time',
      value: reconnect === null ? '—' : formatMs(reconnect.avg),
      hint:
        reconnect === null
          ? 'no reconnects yet'
          : `${reconnect.count} reconnect${reconnect.count === 1 ? '' : 's'}, p95 ${formatMs(reconnect.p95)}, max ${formatMs(reconnect.max)}`,
    },
    {
      id: 'failed-attempts',
      label: 'Failed attempts',
      value: String(stats.failedAttempts),
      hint: 'attempts refused, closed or timed out before opening',
    },
    {
      id: 'disconnections',
      label: 'Disconnections',
      value: String(stats.disconnections),
      hint: `connections lost in the last ${window}, not counting ones this page closed`,
    },
    {
      id: 'rtt',
      label: 'Pong RTT',
      value: formatMs(lastRttMs),
      hint:
        rtt === null
          ? 'no pong yet'
          : `latest pong; p50 ${formatMs(rtt.p50)}, p95 ${formatMs(rtt.p95)} over ${rtt.count} pongs`,
    },
  ];
}
