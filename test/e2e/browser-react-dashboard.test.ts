// The React dashboard example (examples/react-dashboard), built by its script and run in
// Chromium against a real alert server process that is SIGKILLed and started again on the same
// port: the badge, the toasts, the health monitor's strip and the alert cards, as a user sees
// them.
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcessServer } from '../../src/runner/harness/child-server.js';
import { signToken } from '../../src/server/index.js';
import { launchChromium, ROOT, screenshotPath } from '../health-view/browser-harness.js';
import { BIN } from '../helpers/cli.js';
import { SECRET } from '../helpers/server.js';

const USER = 'react-dashboard-user';

// Retries after 0.5, 1, 2 and 4 s without jitter: a budget of 7.5 s, long enough for a server
// process to come back on a loaded machine, short enough to watch the client give up.
// minUptimeMs=0 refills the budget as soon as the connection is back.
const CLIENT =
  'maxAttempts=4&initialDelayMs=500&maxDelayMs=4000&jitter=none&minUptimeMs=0&window=120000&toastMs=30000';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** Serves the built example from `dir` on a loopback port. */
async function serveDirectory(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = path === '/' ? 'index.html' : path.slice(1);
    if (!/^[\w.-]+$/.test(file)) {
      response.writeHead(404).end();
      return;
    }
    readFile(join(dir, file)).then(
      (body) =>
        response
          .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Publishes one alert through the HTTP API with a publisher token. */
async function publish(baseUrl: string, title: string, severity: string): Promise<number> {
  const token = await signToken({ sub: 'publisher', role: 'publisher' }, SECRET);
  const response = await fetch(`${baseUrl}/api/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: USER, severity, title, source: 'e2e-dashboard' }),
  });
  if (response.status !== 201) throw new Error(`publish: HTTP ${response.status}`);
  return ((await response.json()) as { seq: number }).seq;
}

/** Waits until the text of the first `selector` matches `pattern`. */
async function waitForText(page: Page, selector: string, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    ([sel, source]) => new RegExp(source).test(document.querySelector(sel)?.textContent ?? ''),
    [selector, pattern.source] as const,
    { timeout: 15_000 },
  );
}

const badgeLabel = (page: Page) => page.locator('.sw-badge__label').textContent();

/** Titles of the alert cards, top (newest) first. */
const cardTitles = (page: Page) =>
  page.$$eval('.alert-card .alert-card__title', (items) => items.map((el) => el.textContent));

describe('React dashboard example in Chromium', () => {
  let browser: Browser;
  let outdir: string;
  let site: { server: Server; url: string };

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'stormwatch-react-dashboard-'));
    await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'scripts', 'build-react-example.js'), outdir],
      { cwd: ROOT },
    );
    site = await serveDirectory(outdir);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.server.close(resolve));
    if (outdir !== undefined) await rm(outdir, { recursive: true, force: true });
  });

  it(
    'rides out a SIGKILLed server, gives up while it stays down, reconnects on the button, and shows each alert once',
    { timeout: 60_000 },
    async () => {
      const alertServer = new ChildProcessServer(`"${process.execPath}" "${BIN}" serve`, SECRET);
      let page: Page | undefined;
      try {
        await alertServer.start();
        const token = await signToken({ sub: USER, role: 'user' }, SECRET);
        page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const query = `server=${encodeURIComponent(alertServer.httpUrl)}&token=${token}&${CLIENT}`;
        await page.goto(`${site.url}index.html?${query}`);

        // Connected, live.
        await waitForText(page, '.sw-badge__label', /^Connected$/);
        const badge = page.locator('.sw-badge');
        expect(await badge.getAttribute('role')).toBe('status');
        expect(await badge.getAttribute('aria-live')).toBe('polite');
        expect(await page.locator('.sw-badge__dot--live').count()).toBe(1);
        expect(await page.locator('.masthead__subtitle').textContent()).toContain(USER);
        await publish(alertServer.httpUrl, 'Password found in a breach', 'CRITICAL');
        await waitForText(page, '.alerts__list', /Password found in a breach/);
        expect(await page.locator('.alert-card--critical .alert-card__source').textContent()).toBe(
          'e2e-dashboard',
        );
        await page.screenshot({
          path: await screenshotPath('react-dashboard-connected.png'),
          animations: 'disabled',
        });

        // SIGKILL: the badge counts attempts against the budget and the next retry down.
        await alertServer.stop(false);
        await waitForText(page, '.sw-badge__label', /^Reconnecting · attempt [1-4] of 4$/);
        await waitForText(page, '.sw-toast--lost .sw-toast__title', /^Connection lost$/);
        await page.screenshot({
          path: await screenshotPath('react-dashboard-reconnecting.png'),
          animations: 'disabled',
        });
        await waitForText(page, '.sw-badge__detail', /^(next retry in \ds|trying now)$/);

        // Back on the same port: connected again, and a toast says how long the outage lasted.
        await alertServer.start();
        await waitForText(page, '.sw-badge__label', /^Connected$/);
        await waitForText(page, '.sw-toast--restored', /Reconnected.*The outage lasted \d/);
        expect(await page.locator('.sw-toast--lost').count()).toBe(0);
        await publish(alertServer.httpUrl, 'Email address in a paste', 'MEDIUM');
        await waitForText(page, '.alerts__list', /Email address in a paste/);

        // The monitor, collapsed until asked, draws the outage on its strip.
        const toggle = page.locator('.sw-monitor__toggle');
        expect(await toggle.getAttribute('aria-expanded')).toBe('false');
        await toggle.click();
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        const outage = page.locator(
          '.sw-strip__segment[data-state="reconnecting"], .sw-strip__segment[data-state="disconnected"]',
        );
        await outage.first().waitFor({ timeout: 15_000 });
        expect(await outage.last().getAttribute('title')).toMatch(
          /^Reconnecting · \d\d:\d\d:\d\d–\d\d:\d\d:\d\d \(.+\) · \d attempts? · connection lost \(1006\)$/,
        );
        expect(
          await page.locator('.sw-strip__segment[data-state="connected"]').count(),
        ).toBeGreaterThanOrEqual(2);
        await waitForText(page, '[data-stat="disconnections"] dd', /^1$/);
        await waitForText(page, '.sw-events', /Connection lost/);

        // Down for good: the budget runs out, the badge says Failed and offers Reconnect.
        await alertServer.stop(false);
        await waitForText(page, '.sw-badge__label', /^Failed$/);
        // Four retries fit the budget unless a loaded machine slows the refused attempts down.
        expect(await page.locator('.sw-badge--failed .sw-badge__detail').textContent()).toMatch(
          /^Gave up after [1-4] attempts?$/,
        );
        await waitForText(page, '.sw-toast--failed', /Connection failed/);
        await page.screenshot({
          path: await screenshotPath('react-dashboard-failed.png'),
          animations: 'disabled',
        });

        // The server returns; the client stays failed until the user presses Reconnect.
        await alertServer.start();
        expect(await badgeLabel(page)).toBe('Failed');
        await page.locator('.sw-badge .sw-badge__reconnect').click();
        await waitForText(page, '.sw-badge__label', /^Connected$/);
        await waitForText(page, '.sw-toast--restored', /Reconnected/);
        expect(await page.locator('.sw-toast--failed').count()).toBe(0);
        await publish(alertServer.httpUrl, 'Session token leaked', 'HIGH');
        await waitForText(page, '.alerts__list', /Session token leaked/);
        await waitForText(page, '[data-stat="disconnections"] dd', /^2$/);
        await page.screenshot({
          path: await screenshotPath('react-dashboard-recovered.png'),
          animations: 'disabled',
        });

        // Every alert once, newest first, across two server processes' lifetimes.
        expect(await cardTitles(page)).toEqual([
          'Session token leaked',
          'Email address in a paste',
          'Password found in a breach',
        ]);
        expect(await page.locator('.alerts__count').textContent()).toBe('3');
      } finally {
        await page?.close();
        await alertServer.stop(false);
      }
    },
  );
});
