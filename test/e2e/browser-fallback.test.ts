// The health view behind a middlebox that strips WebSocket upgrades (the embedded proxy's
// websocket_block toxic): the page falls back to long polling, alerts keep arriving once each,
// and when the middlebox goes the page moves back onto WebSocket without a disconnection.
import type { Browser, Page } from 'playwright-core';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToxiproxyServer, type ToxiproxyServer } from '../../src/proxy/index.js';
import {
  alertRows,
  buildHealthViewBundle,
  statValues,
  launchChromium,
  RestartableServer,
  screenshotPath,
  textOf,
  waitForBadge,
} from '../health-view/browser-harness.js';

const FAST =
  'initialDelayMs=100&maxDelayMs=400&jitter=none&pingIntervalMs=1000&connectTimeoutMs=3000&probeIntervalMs=1500';

describe('health view on the long-polling fallback in Chromium', () => {
  let browser: Browser;
  let server: RestartableServer;
  let proxies: ToxiproxyServer;
  let api: Toxiproxy;
  let page: Page;

  beforeAll(async () => {
    await buildHealthViewBundle();
    browser = await launchChromium();
    server = await RestartableServer.start({ demoToken: true });
    proxies = createToxiproxyServer();
    api = new Toxiproxy((await proxies.listen({ host: '127.0.0.1', port: 0 })).url);
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await proxies?.close();
    await server?.close();
  });

  it(
    'receives alerts by long polling while upgrades are stripped, then moves back to WebSocket',
    { timeout: 45_000 },
    async () => {
      const proxy = await api.createProxy({
        name: 'middlebox',
        listen: '127.0.0.1:0',
        upstream: new URL(server.url).host,
      });
      const toxic = await proxy.addToxic({
        name: 'no-websocket',
        type: 'websocket_block',
        stream: 'upstream',
        toxicity: 1,
        attributes: { reset: 0 },
      } as never);
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`http://${proxy.listen}/?${FAST}`);

      await waitForBadge(page, 'Connected', 15_000);
      expect(await textOf(page, '#badge-detail')).toMatch(/long polling/);
      await server.publish('demo', 'Password found in breach', 'HIGH');
      await server.publish('demo', 'Session token leaked', 'CRITICAL');
      await expect.poll(async () => (await alertRows(page)).length, { timeout: 10_000 }).toBe(2);
      await page.screenshot({
        path: await screenshotPath('health-view-polling.png'),
        fullPage: true,
      });

      await toxic.remove();
      await page.waitForFunction(
        () => !(document.getElementById('badge-detail')?.textContent ?? '').includes('polling'),
        null,
        { timeout: 15_000 },
      );
      await server.publish('demo', 'New login from an unknown device', 'LOW');
      await expect.poll(async () => (await alertRows(page)).length, { timeout: 10_000 }).toBe(3);
      const titles = (await alertRows(page)).map((row) => row.title);
      expect(titles.sort()).toEqual(
        [
          'New login from an unknown device',
          'Password found in breach',
          'Session token leaked',
        ].sort(),
      );
      // Moving back to WebSocket was not a disconnection.
      expect(await textOf(page, '#badge-label')).toBe('Connected');
      expect((await statValues(page)).disconnections).toBe('0');
    },
  );
});
