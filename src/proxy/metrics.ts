import type { ProxyRegistry } from './registry.js';
import { DIRECTIONS } from './toxic-entry.js';

/** Content type of the Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Renders the proxy metrics in Prometheus text format. The byte counters carry Toxiproxy's
 * names and labels (`toxiproxy_proxy_{received,sent}_bytes_total{direction,listener,proxy,
 * upstream}`); open connections and active toxics are stormwatch additions. Values are live:
 * bytes count as they move, not when a connection closes.
 */
export function renderMetrics(registry: ProxyRegistry): string {
  const lines: string[] = [];
  const counters = registry.traffic.all();
  for (const [metric, help, read] of [
    ['toxiproxy_proxy_received_bytes_total', 'Bytes read from the source, per direction.', 'r'],
    ['toxiproxy_proxy_sent_bytes_total', 'Bytes written to the destination, per direction.', 's'],
  ] as const) {
    lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} counter`);
    for (const counter of counters) {
      const value = read === 'r' ? counter.receivedBytes : counter.sentBytes;
      lines.push(`${metric}${labels({ ...counter.labels })} ${value}`);
    }
  }
  const proxies = registry.list();
  lines.push(
    '# HELP stormwatch_proxy_connections_open Connections currently open through the proxy.',
    '# TYPE stormwatch_proxy_connections_open gauge',
  );
  for (const proxy of proxies) {
    lines.push(
      `stormwatch_proxy_connections_open${labels({ proxy: proxy.name })} ${proxy.connectionCount}`,
    );
  }
  lines.push(
    '# HELP stormwatch_proxy_toxics_active Toxics configured on the proxy, per direction.',
    '# TYPE stormwatch_proxy_toxics_active gauge',
  );
  for (const proxy of proxies) {
    for (const direction of DIRECTIONS) {
      const count = proxy.toxics.chain(direction).length;
      lines.push(
        `stormwatch_proxy_toxics_active${labels({ direction, proxy: proxy.name })} ${count}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

// Labels sorted by name, as the Go client writes them; values escaped per the text format.
function labels(values: Readonly<Record<string, string>>): string {
  const parts = Object.keys(values)
    .sort()
    .map((key) => `${key}="${escapeLabel(values[key] ?? '')}"`);
  return `{${parts.join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
