// A metric the run could not measure (nothing published, a service that reports no such thing)
// is neither passed nor failed: evaluated as "not measured" and shown so by every renderer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Client, StateChange } from '../../../src/client/index.js';
import { SimulatedClock } from '../../../src/protocol/index.js';
import {
  FleetRecorder,
  Measurements,
  parseScenario,
  renderHtml,
  renderJunit,
  renderMarkdown,
  renderSummary,
  type HtmlAssets,
  type RunReport,
} from '../../../src/runner/index.js';
import { evaluateThresholds } from '../../../src/runner/thresholds/evaluate.js';

const NOTHING_PUBLISHED = 'publish: none (connection health only)';

/** Thresholds from line 10 on. */
function thresholdsOf(lines: string[]) {
  return parseScenario(
    `version: 1
title: t
config: { clients: 1 }
steady_state:
  probes:
    - { name: up, metric: alert_client_connected, tolerance: { eq: 1 } }
method:
  - { at: 1s, action: wait, duration: 1s }
thresholds:
${lines.map((line) => `  ${line}`).join('\n')}
`,
    't.yaml',
  ).thresholds;
}

/** A recording of one client with one disconnection and a reconnect of 2 s. */
function oneReconnect(): Measurements {
  const clock = new SimulatedClock(0);
  const recorder = new FleetRecorder(clock);
  let state: StateChange['to'] = 'disconnected';
  const listeners: Array<(c: StateChange) => void> = [];
  const client = {
    on: (event: string, listener: (c: StateChange) => void) => {
      if (event === 'state') listeners.push(listener);
      return () => undefined;
    },
  } as unknown as Client;
  recorder.attach(0, 'u', client);
  const go = (to: StateChange['to'], at: number) => {
    for (const l of listeners) l({ from: state, to, reason: 'open', attempt: 0, at });
    state = to;
  };
  go('connected', 0);
  recorder.markStart();
  go('reconnecting', 1000);
  go('connected', 3000);
  clock.advanceTo(20_000);
  recorder.finish();
  return new Measurements(recorder, 1);
}

describe('evaluateThresholds with metrics not measured', () => {
  const thresholds = thresholdsOf([
    'disconnections: ["count==0"]',
    'alerts_lost: ["count==0"]',
    'reconnect_duration_seconds: ["max<1"]',
  ]);

  it('reports a metric with a reason as not measured, even one that would fail', () => {
    const asked: string[] = [];
    const results = evaluateThresholds(thresholds, oneReconnect(), 0.5, (metric) => {
      asked.push(metric);
      if (metric === 'alerts_lost') return NOTHING_PUBLISHED;
      if (metric === 'reconnect_duration_seconds') return 'the service closes without a reason';
      return undefined;
    });
    expect(asked).toEqual(['disconnections', 'alerts_lost', 'reconnect_duration_seconds']);
    expect(results).toEqual([
      {
        metric: 'disconnections',
        threshold: 'count==0',
        window: 'all',
        actual: 1,
        passed: false,
        inconclusive: false,
        uncertainty: null,
        margin: 1,
        abortOnFail: false,
        line: 10,
      },
      {
        metric: 'alerts_lost',
        threshold: 'count==0',
        window: 'all',
        actual: null,
        passed: true,
        inconclusive: false,
        uncertainty: null,
        margin: null,
        notMeasured: NOTHING_PUBLISHED,
        abortOnFail: false,
        line: 11,
      },
      {
        metric: 'reconnect_duration_seconds',
        threshold: 'max<1',
        window: 'all',
        actual: null,
        passed: true,
        inconclusive: false,
        uncertainty: null,
        margin: null,
        notMeasured: 'the service closes without a reason',
        abortOnFail: false,
        line: 12,
      },
    ]);
  });

  it('judges every metric as measured without the callback', () => {
    const results = evaluateThresholds(thresholds, oneReconnect(), 0.5);
    expect(results.map((r) => [r.metric, r.actual, r.passed, 'notMeasured' in r])).toEqual([
      ['disconnections', 1, false, false],
      // Nothing published, nothing lost: a pass the callback exists to avoid claiming.
      ['alerts_lost', 0, true, false],
      ['reconnect_duration_seconds', 2, false, false],
    ]);
  });
});

describe('reports of a metric not measured', () => {
  // A simulated run of scenarios/proxy-down.yaml (stormwatch sim … --report), seed 5.
  const FIXTURE = JSON.parse(
    readFileSync(new URL('../../fixtures/report-proxy-down.json', import.meta.url), 'utf8'),
  ) as RunReport;
  const ASSETS: HtmlAssets = { script: 'window.chartsStub = 1;', css: '.u-legend{}' };

  /** The fixture with alerts_lost not measured, as evaluateThresholds reports it. */
  function report(): RunReport {
    const r = structuredClone(FIXTURE);
    const [unmeasured] = evaluateThresholds(
      thresholdsOf(['alerts_lost: ["count==0"]']),
      oneReconnect(),
      0,
      () => NOTHING_PUBLISHED,
    );
    const index = r.thresholds.findIndex((t) => t.metric === 'alerts_lost');
    expect(index).toBeGreaterThan(-1);
    r.thresholds[index] = { ...unmeasured!, line: 24 };
    return r;
  }

  it('the text summary marks it - with its reason', () => {
    const lines = renderSummary(report()).split('\n');
    expect(lines.filter((line) => line.includes('alerts_lost count==0'))).toEqual([
      `  - alerts_lost count==0 [all] not measured: ${NOTHING_PUBLISHED}`,
    ]);
    expect(lines).toContain('  ✓ alerts_duplicated count==0 [all] actual 0');
    expect(lines.at(-2)).toBe('verdict: PASS');
  });

  it('JUnit skips it with the reason and counts it', () => {
    const xml = renderJunit(report());
    expect(xml).toContain(
      '<testsuites name="stormwatch" tests="7" failures="0" errors="0" skipped="1">',
    );
    expect(xml).toContain(
      '    <testcase classname="Proxy down, exact backoff schedule" name="alerts_lost: count==0 [all]">\n' +
        `      <skipped message="not measured: ${NOTHING_PUBLISHED}"/>\n` +
        '    </testcase>',
    );
    expect(renderJunit(FIXTURE)).toContain('skipped="0"');
  });

  it('Markdown says not measured and why in the result column', () => {
    const rows = renderMarkdown(report())
      .split('\n')
      .filter((line) => line.startsWith('| alerts_lost |'));
    expect(rows).toEqual([
      `| alerts_lost | \`count==0\` | all | no data | not measured (${NOTHING_PUBLISHED}) |`,
    ]);
  });

  it('HTML gives it a neutral row titled not measured, with the reason as its note', () => {
    const html = renderHtml(report(), ASSETS);
    const row = /<tr class="(\w+)" data-metric="alerts_lost">(.*?)<\/tr>/.exec(html);
    expect(row?.[1]).toBe('neutral');
    expect([...row![2]!.matchAll(/<td([^>]*)>(.*?)<\/td>/g)].map((m) => m[1]! + m[2]!)).toEqual([
      ' class="mark" title="not measured"–',
      '<code>alerts_lost</code>',
      '<code>count==0</code>',
      'all',
      ' class="n"no data',
      ' class="n"–',
      `not measured: ${NOTHING_PUBLISHED}`,
    ]);
  });
});
