import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderHtml, type HtmlAssets, type RunReport } from '../../../src/runner/index.js';
import type { HtmlChartData } from '../../../src/runner/report/html-data.js';

// A simulated run of scenarios/proxy-down.yaml (stormwatch sim … --report), seed 5.
const FIXTURE = JSON.parse(
  readFileSync(new URL('../../fixtures/report-proxy-down.json', import.meta.url), 'utf8'),
) as RunReport;
const ASSETS: HtmlAssets = { script: 'window.chartsStub = 1;', css: '.u-legend{}' };

const copy = (change: (r: RunReport) => void = () => {}): RunReport => {
  const report = structuredClone(FIXTURE);
  change(report);
  return report;
};

/** The rows of the thresholds table, by metric. */
function thresholdRows(html: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of html.matchAll(/<tr class="\w+" data-metric="([^"]+)">(.*?)<\/tr>/g)) {
    rows.set(match[1]!, match[2]!);
  }
  return rows;
}

function chartData(html: string): HtmlChartData {
  const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(json![1]!) as HtmlChartData;
}

describe('renderHtml', () => {
  it('opens with the verdict in its colour and the scenario', () => {
    const html = renderHtml(copy(), ASSETS);
    expect(html).toMatch(/<header class="verdict ok">\s*<p class="badge" id="verdict">PASS<\/p>/);
    expect(html).toContain('<h1>Proxy down, exact backoff schedule</h1>');
    expect(html).toContain('<title>Proxy down, exact backoff schedule — PASS</title>');
  });

  it('says how many shards a sharded simulation ran on', () => {
    expect(renderHtml(copy(), ASSETS)).toMatch(/> · simulation · 10 clients/);
    const sharded = renderHtml(
      copy((r) => {
        r.simulation = { ...r.simulation!, shards: 3 };
      }),
      ASSETS,
    );
    expect(sharded).toMatch(/> · simulation over 3 shards · 10 clients/);
  });

  it('shows a failed verdict in red with its reason', () => {
    const html = renderHtml(
      copy((r) => {
        r.verdict = 'threshold_failed';
        r.reason = 'threshold failed: alerts_lost count==0 (actual 3)';
      }),
      ASSETS,
    );
    expect(html).toMatch(
      /<header class="verdict bad">\s*<p class="badge" id="verdict">FAIL \(threshold\)<\/p>/,
    );
    expect(html).toContain(
      '<p class="reason">threshold failed: alerts_lost count==0 (actual 3)</p>',
    );
  });

  it('gives every threshold a row with its mark, actual value and margin', () => {
    const html = renderHtml(
      copy((r) => {
        const lost = r.thresholds.find((t) => t.metric === 'alerts_lost')!;
        Object.assign(lost, { actual: 3, passed: false, margin: 3 });
        const ratio = r.thresholds.find((t) => t.metric === 'reconnect_success_ratio')!;
        Object.assign(ratio, { actual: null, margin: null });
        const failed = r.thresholds.find((t) => t.metric === 'failed_attempts')!;
        Object.assign(failed, { passed: false, inconclusive: true, because: 'host too slow' });
      }),
      ASSETS,
    );
    const rows = thresholdRows(html);
    expect([...rows.keys()]).toEqual(FIXTURE.thresholds.map((t) => t.metric));
    const cells = (metric: string) =>
      [...rows.get(metric)!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
    expect(cells('clients_failed')).toEqual([
      '✓',
      '<code>clients_failed</code>',
      '<code>value==0</code>',
      'all',
      '0',
      '0',
      '',
    ]);
    expect(cells('failed_attempts').slice(0, 6)).toEqual([
      '?',
      '<code>failed_attempts</code>',
      '<code>count&gt;=50</code>',
      'fault',
      '60',
      '10',
    ]);
    expect(cells('failed_attempts')[6]).toBe('host too slow');
    expect(cells('alerts_lost').slice(0, 1).concat(cells('alerts_lost').slice(4, 6))).toEqual([
      '✗',
      '3',
      '3',
    ]);
    expect(cells('reconnect_success_ratio').slice(4, 6)).toEqual(['no data', '–']);
    expect(html).toMatch(/<tr class="bad" data-metric="alerts_lost">/);
    expect(html).toMatch(/<tr class="warn" data-metric="failed_attempts">/);
  });

  it('judges no threshold of an interrupted run', () => {
    const html = renderHtml(
      copy((r) => (r.verdict = 'interrupted')),
      ASSETS,
    );
    const rows = thresholdRows(html);
    for (const row of rows.values())
      expect(row).toMatch(/^<td class="mark" title="not judged">–<\/td>/);
    expect(html).toContain('<dt>alerts pending</dt>');
  });

  it('draws each fault as a labelled bar over the run, an open one to the end', () => {
    const html = renderHtml(
      copy((r) => {
        r.faults.push({ name: 'latency-spike', start: 20, end: null });
      }),
      ASSETS,
    );
    expect(html).toMatch(
      /<g class="fault" data-fault="proxy-down"><title>proxy-down: 5–75 s<\/title>.*?<rect x="[\d.]+" y="4" width="[\d.]+"/,
    );
    expect(html).toMatch(
      /<g class="fault open" data-fault="latency-spike"><title>latency-spike: 20–end s<\/title>/,
    );
    // 0 s at the left edge of the bars, the run's 101.1 s at the right.
    const bar = /data-fault="proxy-down">.*?<rect x="([\d.]+)" y="\d+" width="([\d.]+)"/.exec(
      html,
    )!;
    expect(Number(bar[1])).toBeCloseTo(220 + (5 / 101.1) * 770, 0);
    expect(Number(bar[2])).toBeCloseTo((70 / 101.1) * 770, 0);
  });

  it('states the bound of percentiles read from histograms under the distributions, and only then', () => {
    const report = copy();
    report.simulation = {
      events: 1,
      percentiles: {
        method: 'hdr-histogram',
        trends: ['pong_rtt_seconds', 'alert_latency_seconds'],
        significantDigits: 3,
        relative: 2 ** -10,
        absoluteSeconds: 1e-9,
      },
    };
    expect(renderHtml(report, ASSETS)).toContain(
      'Percentiles of pong RTT, alert latency come from streaming histograms (hdr-histogram, 3 significant digits): each within 0.098 % + 1 ns of the exact value.',
    );
    report.simulation = { events: 1 };
    expect(renderHtml(report, ASSETS)).not.toContain('percentile-bound');
  });

  it('leaves the faults section out of a run without faults', () => {
    const html = renderHtml(
      copy((r) => (r.faults = [])),
      ASSETS,
    );
    expect(html).not.toContain('<h2>Faults</h2>');
  });

  it('escapes titles, reasons and names with < and &', () => {
    const html = renderHtml(
      copy((r) => {
        r.scenario.title = 'Drops <script>alert(1)</script> & "restarts"';
        r.reason = 'a < b & c';
        r.faults[0]!.name = '</script><img src=x>';
      }),
      ASSETS,
    );
    expect(html).toContain(
      '<h1>Drops &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;restarts&quot;</h1>',
    );
    expect(html).toContain('<p class="reason">a &lt; b &amp; c</p>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x>');
    // The chart data carries the name intact, without ending its script element early.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(chartData(html).faults[0]!.name).toBe('</script><img src=x>');
  });

  it('inlines the chart script and styles, and links nothing outside the file', () => {
    const html = renderHtml(copy(), { script: 'const end = "</script>";', css: ASSETS.css });
    expect(html).toContain('<style>.u-legend{}</style>');
    expect(html).toContain('<script>const end = "<\\/script>";</script>');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/<link\b/);
  });

  it('hands the charts the timeline, faults and backoff schedule', () => {
    const html = renderHtml(copy(), ASSETS);
    const data = chartData(html);
    expect(data.timeline).toEqual(FIXTURE.timeline);
    expect(data.faults).toEqual([{ name: 'proxy-down', start: 5, end: 75 }]);
    expect(data.backoff.map((b) => b.delay)).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(html).toContain('<div id="chart-fleet" class="chart"></div>');
    expect(html).toContain('<div id="chart-backoff" class="chart"></div>');
  });

  it('says so instead of charting a report without a timeline', () => {
    const html = renderHtml(
      copy((r) => {
        delete r.timeline;
      }),
      ASSETS,
    );
    expect(html).not.toContain('id="chart-fleet"');
    expect(html).toContain('This report has no timeline');
    expect(chartData(html).timeline).toBeUndefined();
  });
});
