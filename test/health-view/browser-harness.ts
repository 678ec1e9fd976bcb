import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Severity } from '../../src/protocol/index.js';
import {
  buildServer,
  createMemoryBroker,
  signToken,
  type Broker,
  type ServerOptions,
} from '../../src/server/index.js';
import { SECRET } from '../helpers/server.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = join(ROOT, 'out', 'screenshots');

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Rebuilds dist/health-view/public from src, so the server serves what the test reads. */
export async function buildHealthViewBundle(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-health-view.js')], {
    cwd: ROOT,
  });
}

/** Where screenshots go (a CI artifact; out/ is git-ignored). */
export async function screenshotPath(name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}

/**
 * An alert server on 127.0.0.1 that can be stopped (sockets closed with 1012) and started
 * again on the same port over the same memory broker, as a restart behind a load balancer.
 */
export class RestartableServer {
  readonly broker: Broker = createMemoryBroker();
  #app: FastifyInstance | undefined;
  #port = 0;
  readonly #options: Partial<ServerOptions>;

  private constructor(options: Partial<ServerOptions>) {
    this.#options = options;
  }

  static async start(options: Partial<ServerOptions> = {}): Promise<RestartableServer> {
    const server = new RestartableServer(options);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get app(): FastifyInstance | undefined {
    return this.#app;
  }

  async start(): Promise<void> {
    if (this.#app !== undefined) return;
    const app = await buildServer({
      auth: { secret: SECRET },
      logger: false,
      defaultMetrics: false,
      ...this.#options,
      broker: this.broker,
    });
    const address = await app.listen({ host: '127.0.0.1', port: this.#port });
    this.#port = Number(new URL(address).port);
    this.#app = app;
  }

  async stop(): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    await app?.alertServer.shutdown('restart');
  }

  /** Publishes through the HTTP API (the server must be up). */
  async publish(userId: string, title: string, severity: Severity = 'HIGH'): Promise<number> {
    const token = await signToken({ sub: 'pub', role: 'publisher' }, SECRET);
    const response = await fetch(`${this.url}/api/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, severity, title, source: 'e2e' }),
    });
    if (response.status !== 201) throw new Error(`publish: HTTP ${response.status}`);
    return ((await response.json()) as { seq: number }).seq;
  }

  /** Publishes straight into the broker: works while the server is down. */
  async publishToBroker(
    userId: string,
    title: string,
    severity: Severity = 'MEDIUM',
  ): Promise<number> {
    const now = new Date().toISOString();
    const alert = await this.broker.publish(
      { userId, severity, title, source: 'e2e', detectedAt: now },
      now,
      randomUUID(),
    );
    return alert.seq;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.broker.close();
  }
}

/**
 * The alert server as a real child process (`node bin/stormwatch serve --demo`, from dist/, so
 * run `npm run build` first) that can be killed with SIGKILL and started again on the same
 * port: a crash, with no close frame and no graceful shutdown, and a memory broker whose
 * history dies with it.
 */
export class ChildServer {
  #child: ChildProcess | undefined;
  #port = 0;
  #output = '';

  private constructor() {}

  /** Starts the server on a free port. */
  static async start(): Promise<ChildServer> {
    const server = new ChildServer();
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Starts the process (on the port it had, if it ran before); resolves once it listens. */
  async start(timeoutMs = 15_000): Promise<void> {
    if (this.#child !== undefined) return;
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'stormwatch'), 'serve', '--demo', '--port', String(this.#port)],
      {
        cwd: ROOT,
        env: { ...process.env, STORMWATCH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    this.#output = '';
    const listening = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const onData = (chunk: Buffer) => {
        this.#output = (this.#output + chunk.toString()).slice(-4000);
        const match = /listening on (http:\/\/\S+)/.exec(this.#output);
        if (match === null) return;
        clearTimeout(timer);
        resolve(match[1]);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    if (listening === undefined) {
      await this.kill();
      throw new Error(`stormwatch serve did not start: ${this.#output.trim().slice(-500)}`);
    }
    this.#port = Number(new URL(listening).port);
  }

  /** SIGKILL: the process dies at once; the kernel resets its sockets (browsers see 1006). */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Publishes through the HTTP API (the process must be up). */
  async publish(userId: string, title: string, severity: Severity = 'HIGH'): Promise<number> {
    const token = await signToken({ sub: 'pub', role: 'publisher' }, SECRET);
    const response = await fetch(`${this.url}/api/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, severity, title, source: 'e2e' }),
    });
    if (response.status !== 201) throw new Error(`publish: HTTP ${response.status}`);
    return ((await response.json()) as { seq: number }).seq;
  }

  close(): Promise<void> {
    return this.kill();
  }
}

/** Text of an element (trimmed), '' when absent. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

/** Waits until the status badge reads `label`. */
export async function waitForBadge(page: Page, label: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction(
    (expected) => document.getElementById('badge-label')?.textContent === expected,
    label,
    { timeout: timeoutMs },
  );
}

/** The rendered alert list, newest first. */
export async function alertRows(
  page: Page,
): Promise<Array<{ seq: number; replayed: boolean; title: string; severity: string }>> {
  return page.$$eval('#alert-list li[data-kind="alert"]', (items) =>
    items.map((li) => ({
      seq: Number(li.getAttribute('data-seq')),
      replayed: li.getAttribute('data-replayed') === 'true',
      title: li.querySelector('.alert-title')?.textContent ?? '',
      severity: li.querySelector('.severity')?.textContent ?? '',
    })),
  );
}

/** The stats grid as `{id: value}`. */
export async function statValues(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#stats [data-stat]', (items) =>
    Object.fromEntries(
      items.map((el) => [
        el.getAttribute('data-stat') ?? '',
        el.querySelector('dd')?.firstChild?.textContent ?? '',
      ]),
    ),
  );
}

/** The strip's stretches as drawn, oldest first: state, hover text and on-screen width (px). */
export async function stripSegments(
  page: Page,
): Promise<Array<{ state: string; title: string; widthPx: number }>> {
  return page.$$eval('#strip .strip-seg', (segments) =>
    segments.map((segment) => ({
      state: segment.getAttribute('data-state') ?? '',
      title: segment.getAttribute('title') ?? '',
      widthPx: segment.getBoundingClientRect().width,
    })),
  );
}

/** Waits until the strip's newest stretch is in `state` and drawn at least `minWidthPx` wide. */
export async function waitForLastStretch(
  page: Page,
  state: string,
  minWidthPx = 0,
  timeoutMs = 15_000,
): Promise<void> {
  await page.waitForFunction(
    ([wanted, width]) => {
      const last = document.querySelector('#strip .strip-seg:last-child');
      return (
        last !== null &&
        last.getAttribute('data-state') === wanted &&
        last.getBoundingClientRect().width >= Number(width)
      );
    },
    [state, String(minWidthPx)],
    { timeout: timeoutMs },
  );
}
