import type { ReportSummary, RunReport } from './report.js';

const num = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined ? '-' : String(Number(value.toFixed(digits)));
const pct = (value: number | null): string =>
  value === null ? '-' : `${(value * 100).toFixed(value >= 0.999 && value < 1 ? 3 : 2)}%`;
const dist = (s: ReportSummary): string =>
  s.count === 0
    ? 'no samples'
    : `avg ${num(s.avg)} · p50 ${num(s.p50)} · p95 ${num(s.p95)} · max ${num(s.max)} (n=${s.count})`;

/** The most frequent reasons first, at most four: `close:1006 ×12 · heartbeat-timeout:4000 ×2`. */
function topReasons(reasons: Record<string, number>): string {
  const sorted = Object.entries(reasons).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const shown = sorted.slice(0, 4).map(([reason, n]) => `${reason} ×${n}`);
  return shown.join(' · ') + (sorted.length > 4 ? ` · ${sorted.length - 4} more` : '');
}

/** How far a simulation's histogram percentiles may lie from the exact ones. */
function describeHistograms(
  p: NonNullable<NonNullable<RunReport['simulation']>['percentiles']>,
): string {
  const percent = Number((p.relative * 100).toPrecision(2));
  return `from streaming histograms (${p.method}, ${p.significantDigits} digits): each within ${percent} % + ${Number((p.absoluteSeconds * 1e9).toPrecision(3))} ns of the exact value; counts, min, max and averages exact`;
}

/** Rows of the summary: label and value, shared by the text and Markdown renderings. */
function rows(report: RunReport): Array<[string, string]> {
  const m = report.metrics;
  const a = report.alerts;
  return [
    [
      'uptime (all · steady · fault)',
      `${pct(m.uptime_ratio.all)} · ${pct(m.uptime_ratio.steady)} · ${pct(m.uptime_ratio.fault)}`,
    ],
    ['downtime (client-seconds)', num(m.downtime_seconds)],
    ['reconnect time (s)', dist(m.reconnect_duration_seconds)],
    [
      'reconnect success',
      `${pct(m.reconnect_success_ratio)} (${m.reconnect_episodes.recovered} recovered, ${m.reconnect_episodes.failed} failed, ${m.reconnect_episodes.unfinished} unfinished)`,
    ],
    ['connection attempts', `${m.reconnect_attempts} (${m.failed_attempts} failed)`],
    [
      'disconnections',
      `${m.disconnections} unplanned (${num(m.disconnections_per_hour, 1)}/h)` +
        (m.planned_disconnections > 0
          ? ` · ${m.planned_disconnections} planned (token refresh 4401, restart 1012)`
          : ''),
    ],
    ...(Object.keys(m.disconnect_reasons).length > 0
      ? ([['disconnect reasons', topReasons(m.disconnect_reasons)]] as Array<[string, string]>)
      : []),
    ['heartbeat timeouts', `${m.heartbeat_timeouts}; detection ${dist(m.detection_seconds)}`],
    ['quality went poor', String(m.poor_transitions)],
    ...(m.backoff_schedule_seconds.length > 0
      ? ([
          [
            'backoff schedule (s)',
            m.backoff_schedule_seconds
              .slice(0, 12)
              .map((b) => num(b.delay, 2))
              .join(', ') + (m.backoff_schedule_seconds.length > 12 ? ', …' : ''),
          ],
        ] as Array<[string, string]>)
      : []),
    ['pong RTT (s)', dist(m.pong_rtt_seconds)],
    ...(report.simulation?.shards === undefined
      ? []
      : ([
          [
            'shards',
            `the fleet split by user over ${report.simulation.shards} threads (the same seed and count give this report)`,
          ],
        ] as Array<[string, string]>)),
    ...(report.simulation?.percentiles === undefined
      ? []
      : ([['percentiles', describeHistograms(report.simulation.percentiles)]] as Array<
          [string, string]
        >)),
    ...(a.historyResets > 0
      ? ([
          [
            'history resets',
            `${a.historyResets} clients saw the server's history lost (${a.epochs} epochs)`,
          ],
        ] as Array<[string, string]>)
      : []),
    [
      'alerts',
      `published ${a.published} · delivered ${a.delivered}/${a.expected} · ${report.verdict === 'interrupted' ? `pending ${a.pending}` : `lost ${a.lost}`} · duplicated ${a.duplicated}${report.target === undefined ? ` · missed ${a.missed}` : ''}`,
    ],
    ...(a.foreign > 0
      ? ([
          [
            'earlier alerts',
            `${a.foreign} deliveries of alerts published before this run (the server's history), not judged`,
          ],
        ] as Array<[string, string]>)
      : []),
    ['alert latency (s)', dist(m.alert_latency_seconds)],
    ...(report.server.instances > 1 || report.server.broker === 'redis'
      ? ([['servers', describeServers(report.server)]] as Array<[string, string]>)
      : []),
    ...(report.server.closes === null
      ? []
      : ([
          [
            'server closes by code',
            Object.entries(report.server.closes)
              .map(([code, n]) => `${code}×${n}`)
              .join(' · ') || 'none',
          ],
        ] as Array<[string, string]>)),
    ['catch-up after reconnect (s)', dist(m.catch_up_seconds)],
    ...(m.policy_closes > 0
      ? ([['policy closes (1008)', String(m.policy_closes)]] as Array<[string, string]>)
      : []),
    ['peak reconnects/s', String(m.peak_reconnects_per_second)],
    ['clients failed at end', String(m.clients_failed)],
    ...(m.fallbacks > 0
      ? ([
          [
            'fallbacks to long polling',
            `${m.fallbacks} (${m.clients_polling} clients still polling at end)`,
          ],
        ] as Array<[string, string]>)
      : []),
    ...(report.host === null
      ? []
      : ([
          [
            'host lag',
            `event-loop p50 ${num(report.host.loopP50Ms, 1)} · p99 ${num(report.host.loopP99Ms, 1)} · max ${num(report.host.loopMaxMs, 1)} ms${report.host.cpuPressure === null ? '' : ` · CPU pressure ${(report.host.cpuPressure * 100).toFixed(0)} %`}${report.host.serverLoopP99Ms === null ? '' : ` · server p99 ${num(report.host.serverLoopP99Ms, 1)} ms`}${report.host.serverRestartMs === null ? '' : ` · server restart ${num(report.host.serverRestartMs, 0)} ms`} → durations ±${num(report.host.uncertaintySeconds, 3)} s${report.host.ownRttMs === null ? '' : `; own round trip ${num(report.host.ownRttMs, 2)} ms (not scaled)`}${report.host.opensPerScenarioSecond === null ? '' : `; opens ${num(report.host.opensPerScenarioSecond, 0)} connections per scenario second`}${report.host.warmupConnectMs === null ? '' : `; warm-up connects p50 ${num(report.host.warmupConnectMs.p50, 0)} · p95 ${num(report.host.warmupConnectMs.p95, 0)} ms`}`,
          ],
        ] as Array<[string, string]>)),
  ];
}

// For a timing threshold judged with host lag: how far from its limit, and the uncertainty.
const spread = (t: RunReport['thresholds'][number]): string =>
  t.uncertainty === null || t.margin === null || t.inconclusive
    ? ''
    : ` (margin ${num(t.margin, 4)}, ±${num(t.uncertainty, 3)})`;

const mark = (t: RunReport['thresholds'][number]): string =>
  t.notMeasured !== undefined ? '-' : t.passed ? '✓' : t.inconclusive ? '?' : '✗';

/** How each verdict is shown to a reader: `PASS`, `FAIL (threshold)`, … */
export const VERDICT: Record<RunReport['verdict'], string> = {
  pass: 'PASS',
  threshold_failed: 'FAIL (threshold)',
  inconclusive: 'INCONCLUSIVE',
  steady_state_not_met: 'FAIL (steady state)',
  error: 'ERROR',
  interrupted: 'INTERRUPTED',
};

/** The summary printed at the end of a run. */
export function renderSummary(report: RunReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.scenario.title} — ${report.mode}, ${report.clients} clients, seed ${report.seed}, timeScale ${report.timeScale}, ${num(report.durationSeconds, 1)} s`,
  );
  if (report.target !== undefined) {
    const t = report.target;
    lines.push(`  target ${t.url} · profile ${t.profile} · ${t.token} · publish ${t.publish}`);
  }
  const table = rows(report);
  const width = Math.max(...table.map(([label]) => label.length));
  for (const [label, value] of table) lines.push(`  ${label.padEnd(width)}  ${value}`);
  if (report.faults.length > 0) {
    lines.push('  faults:');
    for (const f of report.faults)
      lines.push(
        `    ${f.name.padEnd(28)} ${num(f.start, 1)}s → ${f.end === null ? 'end' : `${num(f.end, 1)}s`}`,
      );
  }
  for (const phase of ['before', 'after'] as const) {
    for (const p of report.steadyState[phase]) {
      lines.push(
        `  ${p.met ? '✓' : '✗'} steady state ${phase}: ${p.name} (${p.metric} ${p.expected}, actual ${p.actual})`,
      );
    }
  }
  const judged = report.verdict !== 'interrupted';
  for (const t of report.thresholds) {
    lines.push(
      `  ${judged ? mark(t) : '-'} ${t.metric} ${t.threshold} [${t.window}] ${t.notMeasured !== undefined ? `not measured: ${t.notMeasured}` : `actual ${t.actual === null ? 'no data' : num(t.actual, 4)}`}${t.inconclusive ? ` (inconclusive: ${t.because ?? `within the host lag's ±${num(t.uncertainty, 3)} s`})` : spread(t)}`,
    );
  }
  lines.push(
    `verdict: ${VERDICT[report.verdict]}${report.reason === undefined ? '' : ` — ${report.reason}`}`,
  );
  return lines.join('\n') + '\n';
}

/** The same summary as Markdown (`--markdown`). */
export function renderMarkdown(report: RunReport): string {
  const out: string[] = [];
  out.push(`# ${report.scenario.title}`, '');
  out.push(
    `**${VERDICT[report.verdict]}**${report.reason === undefined ? '' : ` — ${report.reason}`}`,
    '',
  );
  out.push(
    `Mode ${report.mode} · ${report.clients} clients (${report.users} users) · seed ${report.seed} · timeScale ${report.timeScale} · ${num(report.durationSeconds, 1)} s`,
    '',
  );
  out.push('| metric | value |', '| --- | --- |');
  for (const [label, value] of rows(report)) out.push(`| ${label} | ${value} |`);
  out.push(
    '',
    '## Thresholds',
    '',
    '| metric | threshold | window | actual | result |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const t of report.thresholds) {
    out.push(
      `| ${t.metric} | \`${t.threshold}\` | ${t.window} | ${t.actual === null ? 'no data' : num(t.actual, 4)} | ${t.notMeasured !== undefined ? `not measured (${t.notMeasured})` : t.passed ? 'pass' : t.inconclusive ? `inconclusive (${t.because ?? `±${num(t.uncertainty, 3)} s host lag`})` : '**fail**'}${spread(t)} |`,
    );
  }
  if (report.faults.length > 0) {
    out.push('', '## Faults', '', '| fault | start (s) | end (s) |', '| --- | --- | --- |');
    for (const f of report.faults)
      out.push(`| ${f.name} | ${num(f.start, 1)} | ${f.end === null ? '-' : num(f.end, 1)} |`);
  }
  out.push(
    '',
    '## Steady state',
    '',
    '| phase | probe | expected | actual | met |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const phase of ['before', 'after'] as const) {
    for (const p of report.steadyState[phase])
      out.push(
        `| ${phase} | ${p.name} | ${p.metric} ${p.expected} | ${p.actual} | ${p.met ? 'yes' : '**no**'} |`,
      );
  }
  return out.join('\n') + '\n';
}

/** `3 instances on redis · peak sockets 34, 40, 0 (max 40 each)`. */
function describeServers(server: RunReport['server']): string {
  const parts = [
    `${server.instances} instance${server.instances === 1 ? '' : 's'} on ${server.broker}`,
  ];
  if (server.peakConnections !== null) {
    const peaks = server.peakConnections.map((n) => (n === null ? '?' : String(n))).join(', ');
    parts.push(
      `peak sockets ${peaks}${server.maxConnections === null ? '' : ` (max ${server.maxConnections} each)`}`,
    );
  }
  return parts.join(' · ');
}
