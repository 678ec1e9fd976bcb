// "Notify if the connection fails for more than 5 minutes", end to end on loopback: a scenario
// run keeps its clients away from the server; a real Prometheus (Debian's) evaluates the
// committed rule on the run's metrics; a real Alertmanager (Debian's) routes it with the
// committed configuration; a local SMTP sink (Python's aiosmtpd, Debian's) receives the mail.
//
// Time is compressed where the rule allows it: the fleet exports its longest outage in
// scenario seconds, so at timeScale 0.05 five scenario minutes pass in 15 real seconds and
// the rule (`> 300`, no `for:`) fires as it would after five real minutes. Alertmanager's
// group_wait (30 s) is the one value the test shortens, to 1 s; evaluation and scraping run
// every second.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROM_DIR, ROOT, runTool } from '../dashboards/helpers.js';

const SCENARIO = `version: 1
title: Alert mail e2e — clients cut off for 7 minutes
config:
  clients: 3
  seed: 5
  timeScale: 0.05
  alertsPerSecond: 1
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  - { at: 5s, action: fault.down, duration: 7m }
  # The retry budget (181 s) ran out during the outage: the app's reconnect brings them back.
  - { at: 7m10s, action: clients.reconnect }
  - { action: wait_until, probe: all-connected, timeout: 2m }
rollbacks:
  - { action: fault.reset }
`;

interface Proc {
  child: ChildProcess;
  output: string;
}

function start(command: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { child, output: '' };
  child.on('error', (error) => (proc.output += `\n${String(error)}`));
  child.stdout?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  return proc;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms: number,
  procs: Proc[],
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `${what} within ${ms} ms; output:\n${procs.map((p) => `${p.child.spawnargs.join(' ')}\n${p.output}`).join('\n---\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a client down more than 5 minutes reaches a person by mail', () => {
  let dir: string;
  const procs: Proc[] = [];
  let webhook: Server | undefined;
  const hooks: string[] = [];

  beforeAll(async () => {
    // Missing binaries fail the test with how to install them, never skip it.
    await runTool('prometheus', ['--version']);
    await runTool('prometheus-alertmanager', ['--version']).catch(() => {
      throw new Error(
        'prometheus-alertmanager is not installed: apt-get install -y prometheus-alertmanager; .ci/run installs it',
      );
    });
    dir = await mkdtemp(join(tmpdir(), 'stormwatch-mail-'));
  });

  afterAll(async () => {
    for (const proc of procs) proc.child.kill('SIGKILL');
    await new Promise<void>((resolve) =>
      webhook === undefined ? resolve() : webhook.close(() => resolve()),
    );
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'fires ClientDisconnectedOver5m, routes it, and delivers one mail and a webhook call',
    { timeout: 120_000 },
    async () => {
      // The SMTP sink: every message into a Maildir.
      const mailbox = join(dir, 'mail');
      for (const part of ['tmp', 'new', 'cur']) {
        await mkdir(join(mailbox, part), { recursive: true });
      }
      const smtpPort = await freePort();
      const smtp = start('/usr/bin/python3', [
        '-m',
        'aiosmtpd',
        '-n',
        '-l',
        `127.0.0.1:${smtpPort}`,
        '-c',
        'aiosmtpd.handlers.Mailbox',
        mailbox,
      ]);
      procs.push(smtp);

      // The webhook sink.
      webhook = createHttpServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          hooks.push(body);
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => webhook!.listen(0, '127.0.0.1', () => resolve()));
      const hookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;

      // The committed Alertmanager configuration, rendered as compose renders it.
      const rendered = await new Promise<string>((resolve, reject) => {
        const render = spawn(process.execPath, ['scripts/render-alertmanager.js'], {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            STORMWATCH_SMTP_SMARTHOST: `127.0.0.1:${smtpPort}`,
            STORMWATCH_SMTP_REQUIRE_TLS: 'false',
            STORMWATCH_ALERT_EMAIL_TO: 'oncall@example.com',
            STORMWATCH_ALERT_WEBHOOK_URL: hookUrl,
          },
        });
        let out = '';
        render.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        render.on('exit', (code) =>
          code === 0 ? resolve(out) : reject(new Error(`render exited ${code}`)),
        );
      });
      const am = parse(rendered) as { route: Record<string, unknown> };
      am.route.group_wait = '1s';
      am.route.group_interval = '1s';
      await writeFile(join(dir, 'alertmanager.yml'), stringify(am));
      const amPort = await freePort();
      const alertmanager = start('prometheus-alertmanager', [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ]);
      procs.push(alertmanager);

      // The run, exporting its fleet metrics.
      await writeFile(join(dir, 'scenario.yaml'), SCENARIO);
      const runner = start(process.execPath, [
        'bin/stormwatch',
        'run',
        join(dir, 'scenario.yaml'),
        '--metrics-port',
        '0',
      ]);
      procs.push(runner);
      const metricsUrl = await until(
        'the runner serving its metrics',
        async () => /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(runner.output)?.[1],
        30_000,
        procs,
      );

      // The committed Prometheus configuration: its rules, its runner job, sending to this
      // Alertmanager; scraping and evaluating every second.
      const config = parse(await readFile(`${PROM_DIR}prometheus.yml`, 'utf8')) as {
        global: Record<string, string>;
        alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
        rule_files: string[];
        scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
      };
      config.global.scrape_interval = '1s';
      config.global.evaluation_interval = '1s';
      config.alerting.alertmanagers[0]!.static_configs = [{ targets: [`127.0.0.1:${amPort}`] }];
      config.rule_files = config.rule_files.map((file) => `${PROM_DIR}${file}`);
      config.scrape_configs = config.scrape_configs
        .filter((job) => job.job_name === 'stormwatch-runner')
        .map((job) => ({ ...job, static_configs: [{ targets: [new URL(metricsUrl).host] }] }));
      expect(config.scrape_configs).toHaveLength(1);
      await writeFile(join(dir, 'prometheus.yml'), stringify(config));
      const promPort = await freePort();
      const prometheus = start('prometheus', [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'prom-data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ]);
      procs.push(prometheus);

      // Five scenario minutes into the outage (15 s here), the rule fires and the mail arrives.
      const files = await until(
        'a mail in the sink',
        async () => {
          const names = await readdir(join(mailbox, 'new')).catch(() => [] as string[]);
          return names.length > 0 ? names : undefined;
        },
        90_000,
        procs,
      );
      const mail = await readFile(join(mailbox, 'new', files[0]!), 'utf8');
      expect(mail).toMatch(
        /^Subject: \[stormwatch\] FIRING ClientDisconnectedOver5m \(stormwatch-runner\)/m,
      );
      expect(mail).toMatch(/^To: oncall@example\.com/m);
      // The body is Alertmanager's default HTML template, quoted-printable: look past the
      // soft line breaks for the rule's description.
      const body = mail.replace(/=\r?\n/g, '');
      expect(body).toContain('a client has been without a connection for');
      // One mail for the firing alert (a resolved one may follow once the clients are back).
      const all = await Promise.all(
        (await readdir(join(mailbox, 'new'))).map((f) => readFile(join(mailbox, 'new', f), 'utf8')),
      );
      expect(
        all.filter((m) => /Subject: \[stormwatch\] FIRING ClientDisconnectedOver5m/.test(m)),
      ).toHaveLength(1);
      await until(
        'a webhook call',
        async () => (hooks.some((h) => h.includes('ClientDisconnectedOver5m')) ? true : undefined),
        10_000,
        procs,
      );
    },
  );
});
