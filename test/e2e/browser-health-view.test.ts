import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/protocol/index.js';
import { FleetRecorder, parseScenario } from '../../src/runner/index.js';
import { LiveFeed } from '../../src/runner/live-feed.js';
import { signToken } from '../../src/server/index.js';
import {
  alertRows,
  buildHealthViewBundle,
  ChildServer,
  launchChromium,
  RestartableServer,
  screenshotPath,
  statValues,
  stripSegments,
  textOf,
  waitForBadge,
  waitForLastStretch,
} from '../health-view/browser-harness.js';
import { SECRET } from '../helpers/server.js';

// Short client timings through the page's URL parameters (documented in docs/health-view.md).
const FAST =
  'initialDelayMs=100&maxDelayMs=400&jitter=none&pingIntervalMs=300&connectTimeoutMs=3000';

describe('health view in Chromium', () => {
  let browser: Browser;
  const servers: Array<RestartableServer | ChildServer> = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    await buildHealthViewBundle();
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
    for (const server of servers.splice(0)) await server.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(server: { url: string }, query: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    await page.goto(`${server.url}/?${query}`);
    return page;
  }

  it(
    'connects, rides out a server outage with a rising attempt count, and shows the outage, the stats and each missed alert once',
    { timeout: 30_000 },
    async () => {
      const server = await RestartableServer.start({ demoToken: true });
      servers.push(server);
      const page = await open(server, `${FAST}&maxAttempts=1000`);

      await waitForBadge(page, 'Connected');
      expect(await page.locator('#badge').getAttribute('data-tone')).toBe('ok');
      expect(await textOf(page, '#subtitle')).toContain('user demo');
      expect(await page.locator('#token-card').isHidden()).toBe(true);

      await server.publish('demo', 'Password found in breach', 'HIGH');
      await page.waitForFunction(() => document.querySelectorAll('#alert-list li').length === 1);

      await server.stop();
      await waitForBadge(page, 'Reconnecting…');
      // Attempts rise while the server is down: 1, 2, 3…
      const seen: number[] = [];
      while (seen.length < 3) {
        const match = /attempt (\d+)/.exec(await textOf(page, '#badge-detail'));
        const attempt = match === null ? undefined : Number(match[1]);
        if (attempt !== undefined && attempt !== seen.at(-1)) seen.push(attempt);
        await page.waitForTimeout(25);
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen[2]).toBeGreaterThan(seen[0]!);
      expect(await page.locator('#badge').getAttribute('data-tone')).toBe('info');

      // Two alerts while nobody is connected; the page must get each exactly once on resume.
      await server.publishToBroker('demo', 'Email address in a paste', 'MEDIUM');
      await server.publishToBroker('demo', 'Card number for sale', 'CRITICAL');
      await server.start();

      await waitForBadge(page, 'Connected');
      await page.waitForFunction(() => document.querySelectorAll('#alert-list li').length === 3);
      await server.publish('demo', 'New login from an unknown device', 'LOW');
      await page.waitForFunction(() => document.querySelectorAll('#alert-list li').length === 4);

      expect(await alertRows(page)).toEqual([
        { seq: 4, replayed: false, title: 'New login from an unknown device', severity: 'LOW' },
        { seq: 3, replayed: true, title: 'Card number for sale', severity: 'CRITICAL' },
        { seq: 2, replayed: true, title: 'Email address in a paste', severity: 'MEDIUM' },
        { seq: 1, replayed: false, title: 'Password found in breach', severity: 'HIGH' },
      ]);
      expect(await textOf(page, '#alerts-count')).toBe('4 received · 2 replayed');

      // The timeline shows the outage, oldest first, scrolled to the latest entry.
      const categories = await page.$$eval('#timeline li', (items) =>
        items.map((li) => li.getAttribute('data-category')),
      );
      expect(categories[0]).toBe('reconnecting'); // the first "Connecting"
      expect(categories.at(-1)).toBe('connected');
      expect(categories).toContain('reconnecting');
      expect(await textOf(page, '#timeline li:last-child')).toMatch(/back after an outage of/);
      expect(await textOf(page, '#timeline-note')).toBe('1 outage');
      expect(await textOf(page, '#timeline li:last-child time')).toBe('just now');

      const stats = await statValues(page);
      expect(stats.disconnections).toBe('1');
      // "Reconnecting, attempt n" waits before retry n: n − 1 attempts had failed by then.
      expect(Number(stats['failed-attempts'])).toBeGreaterThanOrEqual(seen.at(-1)! - 1);
      expect(stats.downtime).not.toBe('0 s');
      expect(stats['avg-reconnect']).toMatch(/^\d+(\.\d)? (ms|s)$/);
      expect(stats.uptime).toMatch(/^\d+\.\d %$/);
      expect(stats['success-rate']).toMatch(/^\d+\.\d %$/);
      await page.waitForFunction(() =>
        /^<?\d+ ms$/.test(
          document.querySelector('[data-stat="rtt"] dd')?.firstChild?.textContent ?? '',
        ),
      );
      expect(await textOf(page, '#announcer')).toBe(
        'New LOW alert: New login from an unknown device',
      );

      await page.screenshot({ path: await screenshotPath('health-view.png'), fullPage: true });
    },
  );

  it(
    'draws the outage of a server killed with SIGKILL as a reconnecting stretch between two connected ones, and counts it once',
    { timeout: 45_000 },
    async () => {
      const server = await ChildServer.start();
      servers.push(server);
      // The client's default first retry (1 s), capped at 1 s so the page is back within a
      // second of the restart; a 30-second strip, so a few seconds of outage are wide.
      const page = await open(
        server,
        'window=30s&maxDelayMs=1000&jitter=none&maxAttempts=Infinity',
      );

      await waitForBadge(page, 'Connected', 15_000);
      await server.publish('demo', 'Password found in breach', 'HIGH');
      await page.waitForFunction(() => document.querySelectorAll('#alert-list li').length === 1);
      // A couple of seconds connected: a green stretch wide enough to see, redrawn each second.
      await waitForLastStretch(page, 'connected', 40);
      expect(await textOf(page, '#window-title')).toBe('Last 30 seconds');
      expect(await page.locator('#window-select').inputValue()).toBe('30s');
      expect(await page.locator('#strip').getAttribute('role')).toBe('img');
      expect(await page.locator('#strip').getAttribute('aria-label')).toMatch(
        /^Last 30 seconds: \d+(\.\d)? % connected, 0 outages$/,
      );
      expect(await textOf(page, '#strip-start')).toBe('30 s ago');
      expect(await textOf(page, '#strip-end')).toBe('now');
      // Before the page opened the strip has no data; the stretches never take focus.
      expect((await stripSegments(page))[0]!.state).toBe('unknown');
      expect(await page.locator('#strip [tabindex]').count()).toBe(0);
      await page.screenshot({
        path: await screenshotPath('health-view-connected.png'),
        fullPage: true,
      });

      await server.kill();
      await waitForBadge(page, 'Reconnecting…', 15_000);
      expect(await textOf(page, '#badge-detail')).toMatch(
        /^attempt \d+ · (next try in|trying now)/,
      );
      expect(await page.locator('#badge').getAttribute('data-tone')).toBe('info');
      // The server stays down through a second attempt; the strip grows a reconnecting stretch
      // at its right edge as the outage goes on.
      await page.waitForFunction(
        () => /^attempt [2-9]/.test(document.getElementById('badge-detail')?.textContent ?? ''),
        undefined,
        { timeout: 15_000 },
      );
      await waitForLastStretch(page, 'reconnecting', 2);
      expect(await textOf(page, '#health-summary')).toMatch(/ · 1 outage \(one ongoing\)$/);
      expect(await textOf(page, '#timeline-note')).toBe('1 outage (one ongoing)');
      await page.screenshot({
        path: await screenshotPath('health-view-reconnecting.png'),
        fullPage: true,
      });

      await server.start();
      await waitForBadge(page, 'Connected', 15_000);
      await page.waitForFunction(
        () => {
          const states = Array.from(document.querySelectorAll('#strip .strip-seg'), (segment) =>
            segment.getAttribute('data-state'),
          );
          const [before, during, after] = states.slice(-3);
          return (
            before === 'connected' &&
            (during === 'reconnecting' || during === 'disconnected') &&
            after === 'connected'
          );
        },
        undefined,
        { timeout: 15_000 },
      );
      const segments = await stripSegments(page);
      const outage = segments.at(-2)!;
      expect(segments.slice(1, -3).every((s) => s.state !== 'connected')).toBe(true);
      // Attempts, local from–to times and duration, and the cause: no close frame from a
      // killed process, so the browser reports 1006.
      expect(outage.title).toMatch(
        /^Reconnecting · \d+ attempts?\n\d\d:\d\d:\d\d – \d\d:\d\d:\d\d · [\d.]+ s\nconnection lost \(1006\)$/,
      );
      expect(outage.widthPx).toBeGreaterThan(10);
      expect(segments.at(-1)!.title).toMatch(/^Connected\n\d\d:\d\d:\d\d – now · /);
      // One outage, read the same in the strip, the panel summary, the list and the stats.
      expect(await page.locator('#strip').getAttribute('aria-label')).toMatch(
        /^Last 30 seconds: \d+(\.\d)? % connected, 1 outage$/,
      );
      expect(await textOf(page, '#health-summary')).toMatch(/ · 1 outage$/);
      expect(await textOf(page, '#timeline-note')).toBe('1 outage');
      expect(await textOf(page, '#timeline li:last-child')).toMatch(/back after an outage of/);
      expect((await statValues(page)).disconnections).toBe('1');
      // The killed process's memory broker took its history along: the page says so.
      await server.publish('demo', 'Card number for sale', 'CRITICAL');
      await page.waitForFunction(
        () => document.querySelectorAll('#alert-list li[data-kind="alert"]').length === 2,
      );
      expect(await textOf(page, '#alert-list li[data-kind="gap"]')).toMatch(
        /history was reset after #1/,
      );
      await waitForLastStretch(page, 'connected', 30);
      await page.screenshot({
        path: await screenshotPath('health-view-recovered.png'),
        fullPage: true,
      });
    },
  );

  it(
    'keeps every event in a scrolling list pinned to the newest, unless the reader scrolled up',
    { timeout: 30_000 },
    async () => {
      const server = await RestartableServer.start({ demoToken: true });
      servers.push(server);
      const page = await open(
        server,
        'initialDelayMs=50&maxDelayMs=100&jitter=none&connectTimeoutMs=3000&maxAttempts=Infinity',
      );
      await waitForBadge(page, 'Connected');
      await server.stop();
      const rowsAtLeast = (count: number) =>
        page.waitForFunction((n) => document.querySelectorAll('#timeline li').length >= n, count, {
          timeout: 15_000,
        });
      const scroll = () =>
        page.$eval('#timeline-scroll', (box) => ({
          top: box.scrollTop,
          max: box.scrollHeight - box.clientHeight,
        }));
      // A retry every 100 ms adds a row each: soon more than the box shows.
      await rowsAtLeast(16);
      const pinned = await scroll();
      expect(pinned.max).toBeGreaterThan(0);
      expect(pinned.max - pinned.top).toBeLessThan(2);

      // The reader scrolls to the top: new rows do not pull the list away from what they read.
      await page.$eval('#timeline-scroll', (box) => box.scrollTo({ top: 0 }));
      const count = await page.locator('#timeline li').count();
      await rowsAtLeast(count + 2);
      expect((await scroll()).top).toBe(0);
      // Nothing was cut: the first row is still the first connect.
      expect(await textOf(page, '#timeline li:first-child .entry-label')).toBe('Connecting');
      expect(await textOf(page, '#timeline-note')).toBe('1 outage (one ongoing)');

      // Back at the bottom, it follows the newest again.
      await page.$eval('#timeline-scroll', (box) => box.scrollTo({ top: box.scrollHeight }));
      await rowsAtLeast((await page.locator('#timeline li').count()) + 2);
      const followed = await scroll();
      expect(followed.max - followed.top).toBeLessThan(2);
    },
  );

  it(
    'goes to Failed when the attempts run out, and the Reconnect button, pressed from the keyboard, recovers',
    { timeout: 30_000 },
    async () => {
      const server = await RestartableServer.start({ demoToken: true });
      servers.push(server);
      const page = await open(server, 'initialDelayMs=50&maxDelayMs=100&jitter=none&maxAttempts=2');
      await waitForBadge(page, 'Connected');
      expect(await page.locator('#reconnect').isHidden()).toBe(true);

      await server.stop();
      await waitForBadge(page, 'Failed');
      expect(await page.locator('#badge').getAttribute('data-tone')).toBe('bad');
      expect(await textOf(page, '#badge-icon')).toBe('✕');
      expect(await textOf(page, '#badge-detail')).toBe('Gave up after 2 reconnect attempts.');
      expect(await textOf(page, '#announcer-urgent')).toBe(
        'Connection failed. Use the Reconnect button to try again.',
      );
      expect(await textOf(page, '#timeline li:last-child .entry-label')).toBe('Failed');
      await page.screenshot({
        path: await screenshotPath('health-view-failed.png'),
        fullPage: true,
      });

      await server.start();
      // Keyboard only: Tab to the button, press Enter.
      for (let i = 0; i < 10; i++) {
        if (await page.evaluate(() => document.activeElement?.id === 'reconnect')) break;
        await page.keyboard.press('Tab');
      }
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('reconnect');
      await page.keyboard.press('Enter');
      await waitForBadge(page, 'Connected');
      expect(await page.locator('#reconnect').isHidden()).toBe(true);
      expect(await textOf(page, '#announcer')).toBe('Connected. Receiving alerts live.');
    },
  );

  it(
    'asks for a token when demo mode is off, never keeps or logs it, and the panel works from the keyboard',
    { timeout: 30_000 },
    async () => {
      const server = await RestartableServer.start();
      servers.push(server);
      const token = await signToken({ sub: 'alice', role: 'user' }, SECRET);
      const logged: string[] = [];
      const page = await browser.newPage();
      pages.push(page);
      page.on('console', (message) => logged.push(message.text()));
      page.on('request', (request) => logged.push(request.url()));
      await page.goto(`${server.url}/?${FAST}`);

      await page.locator('#token-card').waitFor({ state: 'visible' });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('token-input');
      await page.keyboard.type('not-a-token');
      await page.keyboard.press('Enter');
      expect(await textOf(page, '#token-error')).toMatch(/not a JWT/);

      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
      await waitForBadge(page, 'Connected');
      expect(await textOf(page, '#subtitle')).toContain('user alice');
      expect(await page.locator('#token-card').isHidden()).toBe(true);
      expect(await page.locator('#token-input').inputValue()).toBe('');
      expect(await page.content()).not.toContain(token);
      expect(logged.join('\n')).not.toContain(token);

      // The panel: Tab to its button, collapse with Enter, expand with Space.
      await page.locator('#token-input').blur();
      for (let i = 0; i < 10; i++) {
        if (await page.evaluate(() => document.activeElement?.id === 'health-toggle')) break;
        await page.keyboard.press('Tab');
      }
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('health-toggle');
      await page.keyboard.press('Enter');
      expect(await page.locator('#health-toggle').getAttribute('aria-expanded')).toBe('false');
      expect(await page.locator('#health-body').isHidden()).toBe(true);
      await page.keyboard.press('Space');
      expect(await page.locator('#health-toggle').getAttribute('aria-expanded')).toBe('true');
      expect(await page.locator('#health-body').isVisible()).toBe(true);
      // Next stops: the window menu, then the scrollable timeline (read with the arrow keys);
      // the strip between them is one image, none of its stretches takes focus.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('window-select');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('timeline-scroll');
    },
  );

  it(
    "shows the fleet panel from the runner's live feed (?feed=) as it updates",
    { timeout: 30_000 },
    async () => {
      const server = await RestartableServer.start({ demoToken: true });
      servers.push(server);
      const scenario = parseScenario(
        'version: 1\ntitle: Restart storm\nconfig: { clients: 10 }\nmethod:\n  - { action: wait, duration: 1s }\nthresholds:\n  alerts_lost: ["count==0"]\n',
        'storm.yaml',
      );
      const feed = new LiveFeed(new FleetRecorder(new SimulatedClock(0)), scenario, 'run-e2e');
      try {
        const port = await feed.serve(0);
        const page = await open(
          server,
          `feed=${encodeURIComponent(`http://127.0.0.1:${port}/feed`)}`,
        );
        await page.locator('#fleet').waitFor({ state: 'visible' });
        feed.update({
          elapsedSeconds: 42,
          snapshot: {
            total: 10,
            byState: { connecting: 1, connected: 6, reconnecting: 3, disconnected: 0, failed: 0 },
            poor: 2,
            polling: 0,
          },
          activeFaults: ['latency'],
          published: 12,
          phase: 'method',
        });
        await page.waitForFunction(() =>
          document.getElementById('fleet-status')?.textContent?.startsWith('method'),
        );
        expect(await textOf(page, '#fleet-title')).toBe('· Restart storm');
        const states = await page.$$eval('#fleet-states li', (items) =>
          items.map((li) => [
            li.getAttribute('data-state'),
            li.querySelector('.fleet-count')?.textContent,
          ]),
        );
        expect(states).toEqual([
          ['connected', '4'],
          ['poor', '2'],
          ['connecting', '1'],
          ['reconnecting', '3'],
          ['disconnected', '0'],
          ['failed', '0'],
        ]);
        expect(await textOf(page, '#fleet-faults')).toBe('⚡ latency');
        expect(await textOf(page, '#fleet-thresholds tr')).toMatch(/alerts_lost.*count==0.*✓ pass/);
        await waitForBadge(page, 'Connected');
        await page.screenshot({
          path: await screenshotPath('health-view-fleet.png'),
          fullPage: true,
        });

        feed.finish('pass');
        await page.waitForFunction(() =>
          document.getElementById('fleet-status')?.textContent?.includes('verdict: pass'),
        );
      } finally {
        await feed.close();
      }
    },
  );
});
