import { buildChartData } from './html-data.js';
import { escapeHtml, scriptJson } from './html-escape.js';
import { renderFaultTimeline } from './html-faults.js';
import { HTML_STYLE } from './html-style.js';
import type { ReportSummary, RunReport } from './report.js';
import { VERDICT } from './summary.js';

/** What the page inlines besides the report: the bundled chart script and its stylesheet. */
export interface HtmlAssets {
  /** The chart script (an IIFE: uPlot and src/runner/report/html-charts.ts). */
  script: string;
  /** uPlot's stylesheet. */
  css: string;
}

type Tone = 'ok' | 'bad' | 'warn' | 'neutral';

const TONE: Record<RunReport['verdict'], Tone> = {
  pass: 'ok',
  threshold_failed: 'bad',
  steady_state_not_met: 'bad',
  error: 'bad',
  inconclusive: 'warn',
  interrupted: 'neutral',
};

const e = escapeHtml;
const num = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined ? '–' : String(Number(value.toFixed(digits)));
const pct = (value: number | null | undefined): string =>
  value === null || value === undefined
    ? '–'
    : `${(value * 100).toFixed(value >= 0.999 && value < 1 ? 3 : 2)} %`;

/** A `<script>` body must not contain `</script`: the bundle's own strings are split. */
const inlineScript = (code: string): string => code.replace(/<\/(script)/gi, '<\\/$1');

function figures(rows: Array<[string, string]>): string {
  return `<dl class="figures">${rows
    .map(([label, value]) => `<div><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`)
    .join('')}</dl>`;
}

function thresholdRows(report: RunReport): string {
  const judged = report.verdict !== 'interrupted';
  return report.thresholds
    .map((t) => {
      const [mark, tone, word] = !judged
        ? ['–', 'neutral', 'not judged']
        : t.notMeasured !== undefined
          ? ['–', 'neutral', 'not measured']
          : t.passed
            ? ['✓', 'ok', 'pass']
            : t.inconclusive
              ? ['?', 'warn', 'inconclusive']
              : ['✗', 'bad', 'fail'];
      const note =
        t.notMeasured !== undefined
          ? `not measured: ${t.notMeasured}`
          : t.inconclusive
            ? (t.because ?? `within the host lag's ±${num(t.uncertainty)} s`)
            : t.uncertainty === null
              ? ''
              : `±${num(t.uncertainty)} s host lag`;
      return (
        `<tr class="${tone}" data-metric="${e(t.metric)}">` +
        `<td class="mark" title="${word}">${mark}</td>` +
        `<td><code>${e(t.metric)}</code></td><td><code>${e(t.threshold)}</code></td>` +
        `<td>${e(t.window)}</td><td class="n">${t.actual === null ? 'no data' : num(t.actual, 4)}</td>` +
        `<td class="n">${num(t.margin, 4)}</td><td>${e(note)}</td></tr>`
      );
    })
    .join('');
}

function distributionRows(report: RunReport): string {
  const m = report.metrics;
  const rows: Array<[string, ReportSummary]> = [
    ['reconnect time', m.reconnect_duration_seconds],
    ['detection (heartbeat)', m.detection_seconds],
    ['pong RTT', m.pong_rtt_seconds],
    ['alert latency', m.alert_latency_seconds],
    ['catch-up after reconnect', m.catch_up_seconds],
  ];
  return rows
    .map(
      ([label, s]) =>
        `<tr><th>${e(label)}</th><td class="n">${s.count}</td>${[
          s.min,
          s.avg,
          s.p50,
          s.p95,
          s.p99,
          s.max,
        ]
          .map((v) => `<td class="n">${num(v)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
}

const TREND_LABELS: Record<string, string> = {
  reconnect_duration_seconds: 'reconnect time',
  detection_seconds: 'detection',
  pong_rtt_seconds: 'pong RTT',
  alert_latency_seconds: 'alert latency',
  catch_up_seconds: 'catch-up',
};

/** Under the distributions of a simulation whose trends were kept as histograms: their bound. */
function percentileNote(report: RunReport): string {
  const p = report.simulation?.percentiles;
  if (p === undefined) return '';
  const percent = Number((p.relative * 100).toPrecision(2));
  const ns = Number((p.absoluteSeconds * 1e9).toPrecision(3));
  const names = p.trends.map((t) => TREND_LABELS[t] ?? t).join(', ');
  return `<p class="note" id="percentile-bound">Percentiles of ${e(names)} come from streaming histograms (${e(p.method)}, ${p.significantDigits} significant digits): each within ${percent} % + ${ns} ns of the exact value. Counts, min, max and averages are exact.</p>`;
}

function probeRows(report: RunReport): string {
  return (['before', 'after'] as const)
    .flatMap((phase) =>
      report.steadyState[phase].map(
        (p) =>
          `<tr class="${p.met ? 'ok' : 'bad'}"><td class="mark">${p.met ? '✓' : '✗'}</td><td>${phase}</td>` +
          `<td>${e(p.name)}</td><td><code>${e(p.metric)} ${e(p.expected)}</code></td><td class="n">${num(p.actual, 4)}</td></tr>`,
      ),
    )
    .join('');
}

function summaryFigures(report: RunReport): Array<[string, string]> {
  const m = report.metrics;
  const a = report.alerts;
  const interrupted = report.verdict === 'interrupted';
  const reasons = Object.entries(m.disconnect_reasons)
    .sort(([x, p], [y, q]) => q - p || x.localeCompare(y))
    .map(([reason, n]) => `${reason} ×${n}`)
    .join(' · ');
  return [
    ['uptime', pct(m.uptime_ratio.all)],
    ['uptime steady · fault', `${pct(m.uptime_ratio.steady)} · ${pct(m.uptime_ratio.fault)}`],
    ['downtime (client-s)', num(m.downtime_seconds)],
    ['reconnect success', pct(m.reconnect_success_ratio)],
    [
      'reconnect episodes',
      `${m.reconnect_episodes.recovered} recovered · ${m.reconnect_episodes.failed} failed · ${m.reconnect_episodes.unfinished} unfinished`,
    ],
    ['connection attempts', `${m.reconnect_attempts} (${m.failed_attempts} failed)`],
    [
      'disconnections',
      `${m.disconnections} unplanned (${num(m.disconnections_per_hour, 1)}/h) · ${m.planned_disconnections} planned`,
    ],
    ...(reasons === '' ? [] : ([['disconnect reasons', reasons]] as Array<[string, string]>)),
    ['heartbeat timeouts', String(m.heartbeat_timeouts)],
    ['alerts published', String(a.published)],
    ['alerts delivered', `${a.delivered} of ${a.expected}`],
    interrupted ? ['alerts pending', String(a.pending)] : ['alerts lost', String(a.lost)],
    ['alerts duplicated', String(a.duplicated)],
    ['alerts missed (gaps)', String(a.missed)],
    ['clients failed at end', String(m.clients_failed)],
    ['peak reconnects/s', String(m.peak_reconnects_per_second)],
  ];
}

function hostLine(report: RunReport): string {
  const h = report.host;
  if (h === null) return '';
  return `<p class="note">Host lag: event-loop p50 ${num(h.loopP50Ms, 1)} · p99 ${num(h.loopP99Ms, 1)} · max ${num(h.loopMaxMs, 1)} ms → durations ±${num(h.uncertaintySeconds)} s.</p>`;
}

/**
 * The run as one self-contained HTML page: verdict, thresholds, summary figures, the faults
 * over the run and charts of the fleet over time and the backoff schedule. Everything it needs
 * is inline (`assets`, the report's own data): it opens from disk with no network.
 */
export function renderHtml(report: RunReport, assets: HtmlAssets): string {
  const tone = TONE[report.verdict];
  const title = e(report.scenario.title);
  const faults = renderFaultTimeline(report.faults, report.durationSeconds);
  const hasTimeline = report.timeline !== undefined && report.timeline.connected.length > 0;
  const backoff = report.metrics.backoff_schedule_seconds;
  const meta = [
    `${report.mode === 'sim' ? 'simulation' : 'real run'}${report.simulation?.shards === undefined ? '' : ` over ${report.simulation.shards} shards`}`,
    `${report.clients} clients (${report.users} users)`,
    `seed ${report.seed}`,
    `time scale ${report.timeScale}`,
    `${num(report.durationSeconds, 1)} s`,
  ].join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} — ${e(VERDICT[report.verdict])}</title>
<style>${assets.css}</style>
<style>${HTML_STYLE}</style>
</head>
<body>
<header class="verdict ${tone}">
<p class="badge" id="verdict">${e(VERDICT[report.verdict])}</p>
<div>
<h1>${title}</h1>
<p class="meta"><code>${e(report.scenario.file)}</code> · ${e(meta)}</p>
${report.reason === undefined ? '' : `<p class="reason">${e(report.reason)}</p>`}
</div>
</header>
<main>
<section>
<h2>Thresholds</h2>
${
  report.thresholds.length === 0
    ? '<p class="note">The scenario sets no thresholds.</p>'
    : `<table id="thresholds"><thead><tr><th></th><th>metric</th><th>threshold</th><th>window</th><th class="n">actual</th><th class="n">margin</th><th>note</th></tr></thead><tbody>${thresholdRows(report)}</tbody></table>`
}
</section>
<section>
<h2>Fleet over time</h2>
${
  hasTimeline
    ? '<div id="chart-fleet" class="chart"></div><p class="note">Clients per state (reconnecting includes attempts in progress), scenario seconds from the method\'s start; fault windows shaded.</p>'
    : '<p class="note">This report has no timeline (written by an older version, or the method never started).</p>'
}
</section>
${faults === '' ? '' : `<section><h2>Faults</h2><div id="faults">${faults}</div></section>`}
<section>
<h2>Summary</h2>
${figures(summaryFigures(report))}
${hostLine(report)}
</section>
<section>
<h2>Distributions (scenario seconds)</h2>
<table id="distributions"><thead><tr><th></th><th class="n">n</th><th class="n">min</th><th class="n">avg</th><th class="n">p50</th><th class="n">p95</th><th class="n">p99</th><th class="n">max</th></tr></thead><tbody>${distributionRows(report)}</tbody></table>${percentileNote(report)}
</section>
${
  backoff.length === 0
    ? ''
    : `<section><h2>Backoff schedule</h2><div id="chart-backoff" class="chart"></div><p class="note">Delays before each retry of the first client that had to reconnect: ${e(backoff.map((b) => num(b.delay, 2)).join(', '))} s.</p></section>`
}
${
  report.steadyState.before.length + report.steadyState.after.length === 0
    ? ''
    : `<section><h2>Steady state</h2><table id="probes"><thead><tr><th></th><th>phase</th><th>probe</th><th>expected</th><th class="n">actual</th></tr></thead><tbody>${probeRows(report)}</tbody></table></section>`
}
</main>
<script type="application/json" id="report-data">${scriptJson(buildChartData(report))}</script>
<script>${inlineScript(assets.script)}</script>
</body>
</html>
`;
}
