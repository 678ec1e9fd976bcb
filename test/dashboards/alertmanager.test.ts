// The Alertmanager configuration, rendered from its template with the environment and checked
// by Debian's amtool: it loads, and every alert the rules raise reaches a person.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROM_DIR, ROOT, runTool } from './helpers.js';

const ENV = {
  STORMWATCH_SMTP_SMARTHOST: '127.0.0.1:2525',
  STORMWATCH_ALERT_EMAIL_TO: 'oncall@example.com',
  STORMWATCH_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
};

/** Runs the renderer with exactly `env` (and PATH). */
function render(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/render-alertmanager.js')],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr }),
    );
  });
}

/** amtool, or a failure saying how to install it. */
async function amtool(args: string[]) {
  const result = await runTool('amtool', args).catch((error: unknown) => {
    throw new Error(
      `${(error as Error).message.split(':')[0]}: apt-get install -y prometheus-alertmanager (Debian ships amtool with it); .ci/run installs it`,
    );
  });
  return result;
}

describe('dashboards/alertmanager (amtool)', () => {
  let dir: string;
  let config: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stormwatch-am-'));
    const rendered = await render(ENV);
    expect(rendered.err).toBe('');
    config = join(dir, 'alertmanager.yml');
    await writeFile(config, rendered.out);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders with the environment and amtool check-config accepts it', async () => {
    const text = await readFile(config, 'utf8');
    expect(text).toContain("smtp_smarthost: '127.0.0.1:2525'");
    expect(text).toContain("smtp_from: 'alertmanager@stormwatch.local'");
    expect(text).not.toMatch(/\$\{/);
    const result = await amtool(['check-config', config]);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });

  it('refuses to render without the smarthost, the recipient and the webhook, naming them', async () => {
    const result = await render({});
    expect(result.code).toBe(2);
    expect(result.err.trim()).toBe(
      'render-alertmanager: set STORMWATCH_SMTP_SMARTHOST, STORMWATCH_ALERT_EMAIL_TO, STORMWATCH_ALERT_WEBHOOK_URL (see the comment at the top of the template)',
    );
    const quoted = await render({ ...ENV, STORMWATCH_ALERT_EMAIL_TO: "o'neil@example.com" });
    expect(quoted.code).toBe(2);
  });

  it('routes every alert of the rules: pages to email and webhook, tickets to the webhook', async () => {
    const rules = parse(await readFile(`${PROM_DIR}rules/alerts.yml`, 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; labels?: { severity?: string } }> }>;
    };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(alerts.map((a) => a.alert)).toContain('ClientDisconnectedOver5m');
    for (const alert of alerts) {
      const severity = alert.labels?.severity;
      expect(['page', 'ticket'], `${alert.alert} severity`).toContain(severity);
      const result = await amtool([
        'config',
        'routes',
        'test',
        `--config.file=${config}`,
        `alertname=${alert.alert!}`,
        `severity=${severity!}`,
        'job=stormwatch-runner',
      ]);
      expect(result.stdout.trim(), alert.alert).toBe(
        severity === 'page' ? 'email-and-webhook' : 'webhook',
      );
    }
  });
});
