import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NodeDefaultMetric } from '../../dashboards/src/alert-server.js';
import { DASHBOARDS, renderDashboard } from '../../dashboards/src/render.js';
import { MetricName } from '../../src/metrics/names.js';
import {
  DASHBOARD_FILES,
  PROM_DIR,
  ROOT,
  metricNames,
  panelQueries,
  readDashboard,
} from './helpers.js';

/** Series names a query may read: ours, their histogram parts, prom-client's, `up`. */
function knownSeries(recorded: readonly string[]): Set<string> {
  const known = new Set<string>(['up', ...Object.values(NodeDefaultMetric), ...recorded]);
  for (const name of Object.values(MetricName)) {
    known.add(name);
    for (const part of ['_bucket', '_sum', '_count']) known.add(`${name}${part}`);
  }
  return known;
}

interface RuleFile {
  groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }>;
}

async function readRules(file: string): Promise<RuleFile> {
  return parse(await readFile(`${PROM_DIR}rules/${file}`, 'utf8')) as RuleFile;
}

describe('generated dashboards', () => {
  it('the committed JSON equals the generator output (run: npx tsx dashboards/generate.ts)', async () => {
    expect(DASHBOARDS.map((d) => d.file)).toEqual([...DASHBOARD_FILES]);
    for (const { file, build } of DASHBOARDS) {
      const committed = await readFile(`${ROOT}dashboards/${file}`, 'utf8');
      expect(committed, `dashboards/${file} is stale`).toBe(await renderDashboard(build(), file));
    }
  });

  it('every panel has a unique id and every query a unique, non-empty refId and our datasource', async () => {
    for (const file of DASHBOARD_FILES) {
      const d = await readDashboard(file);
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
      expect(
        ids.every((id) => typeof id === 'number' && id > 0),
        file,
      ).toBe(true);
      for (const panel of d.panels) {
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size, `${file}: ${panel.title}`).toBe(refIds.length);
        expect(refIds.every((r) => typeof r === 'string' && r !== '')).toBe(true);
      }
      expect(d.templating.list.find((v) => v.name === 'datasource')?.type).toBe('datasource');
      expect(JSON.stringify(d)).not.toMatch(/"uid":\s*"(?!\$\{datasource\}|stormwatch-)/);
    }
  });

  it('has the panels the issue asks for', async () => {
    const titles = async (file: string) => (await readDashboard(file)).panels.map((p) => p.title);
    expect(await titles('connection-health.json')).toEqual(
      expect.arrayContaining([
        'Uptime',
        'Connected clients',
        'Connection state and faults',
        'Reconnect time',
        'Reconnect success',
        'Reconnect success ratio',
        'Pong RTT',
        'Pong RTT p95',
        'Disconnections per hour',
        'Alerts missed',
        'Alerts duplicated',
      ]),
    );
    expect(await titles('alert-server.json')).toEqual(
      expect.arrayContaining([
        'Connections',
        'Opens and closes by reason',
        'Rejections by reason',
        'Pings per second',
        'Publish → delivery latency',
        'Event-loop lag',
        'Memory',
      ]),
    );
    const health = await readDashboard('connection-health.json');
    expect(health.annotations?.list.map((a) => a.expr)).toContainEqual(
      expect.stringContaining(MetricName.chaosFaultActive),
    );
    const heatmap = health.panels.find((p) => p.type === 'heatmap');
    expect(heatmap?.targets?.[0]?.expr).toContain(`${MetricName.clientPongRtt}_bucket`);
  });

  it('reads only metrics that exist (src/metrics/names.ts, prom-client defaults, recording rules)', async () => {
    const recorded = (await readRules('recording.yml')).groups.flatMap((g) =>
      g.rules.flatMap((r) => (r.record === undefined ? [] : [r.record])),
    );
    const known = knownSeries(recorded);
    const exprs: Array<[where: string, expr: string]> = [];
    for (const file of DASHBOARD_FILES) {
      for (const q of panelQueries(await readDashboard(file))) {
        exprs.push([`${file}: ${q.panel} ${q.refId}`, q.expr]);
      }
    }
    for (const file of ['recording.yml', 'alerts.yml']) {
      for (const rule of (await readRules(file)).groups.flatMap((g) => g.rules)) {
        exprs.push([`${file}: ${rule.record ?? rule.alert}`, rule.expr]);
      }
    }
    expect(exprs.length).toBeGreaterThan(40);
    const unknown = exprs.flatMap(([where, expr]) =>
      metricNames(expr)
        .filter((name) => !known.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
