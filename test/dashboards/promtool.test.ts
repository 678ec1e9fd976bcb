import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetMetrics, Registry } from '../../src/metrics/index.js';
import { MetricName } from '../../src/metrics/names.js';
import { buildServer } from '../../src/server/index.js';
import { PROM_DIR, runTool } from './helpers.js';

/**
 * prom-client's default metrics that break Prometheus naming rules, each with promtool's
 * complaint. These are prom-client's names (collectDefaultMetrics), not ours; anything else
 * promtool reports fails the test.
 */
const PROM_CLIENT_EXCEPTIONS = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
];

/** promtool check metrics: the problems it reports, one per line. */
async function lintMetrics(text: string): Promise<string[]> {
  const result = await runTool('promtool', ['check', 'metrics'], { input: text });
  return `${result.stdout}${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

describe('Prometheus config and rules (promtool)', () => {
  it('promtool check config accepts prometheus.yml and its rule files', async () => {
    const result = await runTool('promtool', ['check', 'config', 'prometheus.yml'], {
      cwd: PROM_DIR,
    });
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: prometheus.yml is valid/);
    expect(result.code).toBe(0);
  });

  it('promtool check rules accepts the recording and alert rules', async () => {
    const result = await runTool(
      'promtool',
      ['check', 'rules', 'rules/recording.yml', 'rules/alerts.yml'],
      {
        cwd: PROM_DIR,
      },
    );
    expect(result.stdout).toMatch(/SUCCESS: 16 rules found[\s\S]*SUCCESS: 11 rules found/);
    expect(result.code).toBe(0);
  });

  it('promtool test rules passes every unit test (series that fire and that do not)', async () => {
    const files = (await readdir(`${PROM_DIR}tests`)).filter((f) => f.endsWith('.test.yml'));
    expect(files.sort()).toEqual(['connection.test.yml', 'slo.test.yml']);
    const result = await runTool('promtool', ['test', 'rules', ...files.map((f) => `tests/${f}`)], {
      cwd: PROM_DIR,
    });
    expect(result.stdout + result.stderr).not.toMatch(/FAILED/);
    expect(result.code).toBe(0);
  });
});

describe('metric names (promtool check metrics on a live scrape)', () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  let url: string;
  beforeAll(async () => {
    app = await buildServer({ auth: { secret: 'x'.repeat(32) }, logger: false });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  it("the alert server's /metrics breaks no rule beyond prom-client's listed defaults", async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain(`${MetricName.serverConnections} `);
    expect(await lintMetrics(text)).toEqual(PROM_CLIENT_EXCEPTIONS);
  });

  it('the fleet and chaos metrics break no rule', async () => {
    const registry = new Registry();
    const m = createFleetMetrics(registry);
    // Touch every labelled metric so each family has a sample to lint.
    m.disconnections.inc({ reason: 'abnormal' });
    m.reconnectAttempts.inc({ result: 'opened' });
    m.reconnectEpisodes.inc({ outcome: 'recovered' });
    m.quality.set({ quality: 'good' }, 1);
    m.faultActive.set({ fault: 'latency' }, 1);
    m.faultsInjected.inc({ fault: 'latency' });
    m.steadyStateMet.set({ probe: 'all-connected' }, 1);
    m.experimentInfo.set({ scenario: 'lint', run_id: 'r1' }, 1);
    expect(await lintMetrics(await registry.metrics())).toEqual([]);
  });
});
