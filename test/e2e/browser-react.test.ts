import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/server/index.js';
import { launchChromium, RestartableServer, ROOT, textOf } from '../health-view/browser-harness.js';
import { SECRET } from '../helpers/server.js';

describe('stormwatch/react useAlertClient in Chromium', () => {
  let browser: Browser;
  let appServer: Server;
  let appUrl: string;

  beforeAll(async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'test', 'react', 'fixtures', 'hook-app.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      // React's development build: StrictMode double-runs effects, as in a dev dashboard.
      define: { 'process.env.NODE_ENV': '"development"' },
      logLevel: 'warning',
    });
    const bundle = result.outputFiles[0]!.text;
    appServer = createServer((request, response) => {
      if (request.url === '/app.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      } else {
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            '<!doctype html><html lang="en"><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>',
          );
      }
    });
    await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => appServer?.close(resolve));
  });

  /** Waits until the element's whole text matches `pattern`. */
  async function waitForText(page: Page, selector: string, pattern: RegExp) {
    await page.waitForFunction(
      ([sel, source]) => new RegExp(source).test(document.querySelector(sel)?.textContent ?? ''),
      [selector, pattern.source] as const,
      { timeout: 10_000 },
    );
  }

  it(
    'follows the real server through an outage, lists each alert once, and disposes the client on unmount',
    { timeout: 30_000 },
    async () => {
      const server = await RestartableServer.start();
      let page: Page | undefined;
      try {
        const token = await signToken({ sub: 'react-user', role: 'user' }, SECRET);
        page = await browser.newPage();
        await page.addInitScript(
          (config) => {
            (globalThis as unknown as { hookTestConfig: unknown }).hookTestConfig = config;
          },
          { url: server.url, userId: 'react-user', token },
        );
        // A page from a loopback origin (Chromium's local-network checks block loopback
        // sockets from pages it cannot place, such as intercepted ones).
        await page.goto(appUrl);

        await waitForText(page, '#state', /^connected$/);
        expect(await textOf(page, '#quality')).toBe('good');
        // StrictMode's first mount was cleaned up: one socket, not two.
        expect(server.app!.alertServer.service.connectionCount).toBe(1);

        await server.publish('react-user', 'Password found in breach');
        await waitForText(page, '#alerts', /^1:Password found in breach$/);

        await server.stop();
        await waitForText(page, '#state', /^(re)?connecting$/);
        await waitForText(page, '#attempt', /^([2-9]|\d\d+)$/);
        await server.publishToBroker('react-user', 'Email address in a paste');
        await server.start();

        await waitForText(page, '#state', /^connected$/);
        await waitForText(
          page,
          '#alerts',
          /^2:Email address in a paste1:Password found in breach$/,
        );
        await waitForText(page, '#disconnections', /^1$/);
        expect(await textOf(page, '#timeline')).toMatch(
          /^connecting,connected,reconnecting,.*connected$/,
        );
        expect(Number(await textOf(page, '#uptime'))).toBeLessThan(1);

        await page.click('#disconnect');
        await waitForText(page, '#state', /^disconnected$/);
        await page.click('#reconnect');
        await waitForText(page, '#state', /^connected$/);

        await page.click('#unmount');
        await page.locator('#unmounted').waitFor();
        const deadline = Date.now() + 5000;
        while (server.app!.alertServer.service.connectionCount > 0 && Date.now() < deadline) {
          await page.waitForTimeout(20);
        }
        expect(server.app!.alertServer.service.connectionCount).toBe(0);
      } finally {
        await page?.close();
        await server.close();
      }
    },
  );
});
