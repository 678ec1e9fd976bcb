import { execFile } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/index.js';
import { launchChromium, ROOT, screenshotPath } from '../health-view/browser-harness.js';
import { runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

describe('--html report in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    // The chart script the page inlines, from the sources under test (the CLI is dist/).
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-report-assets.js')]);
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
  });

  it(
    'renders a real run of proxy-down offline: verdict, thresholds, the fault window and the fleet dropping to 0 and back',
    { timeout: 60_000 },
    async () => {
      await withTempDir(async (dir) => {
        const json = join(dir, 'r.json');
        const html = join(dir, 'r.html');
        const run = await runCli([
          'run',
          'scenarios/proxy-down.yaml',
          '--time-scale',
          '0.05',
          '--quiet',
          '--report',
          json,
          '--html',
          html,
        ]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(`wrote ${html}\n`);

        const report = JSON.parse(await readFile(json, 'utf8')) as RunReport;
        const fault = report.faults[0]!;
        const timeline = report.timeline!;
        const at = (seconds: number) => Math.round(seconds / timeline.stepSeconds);
        // Every client is down for the whole outage (it is 70 s; each retry is refused) …
        expect(Math.max(...timeline.connected.slice(at(fault.start) + 2, at(fault.end!) - 1))).toBe(
          0,
        );
        // … and all ten are back at the end.
        expect(timeline.connected.at(-1)).toBe(10);
        // Nobody fails, so every client is connected or getting back at every point (an
        // attempt in progress included): the chart has no dips that are not the fleet's.
        const accounted = timeline.connected.map((n, i) => n + timeline.reconnecting[i]!);
        expect(new Set(accounted)).toEqual(new Set([10]));

        const page = await readFile(html, 'utf8');
        expect(page).not.toMatch(/(src|href)="https?:/);
        // The same page again from the JSON alone.
        const again = join(dir, 'again.html');
        const rendered = await runCli(['report', json, '--html', again]);
        expect(rendered).toEqual({ code: 0, stdout: `wrote ${again}\n`, stderr: '' });
        expect(await readFile(again, 'utf8')).toBe(page);

        const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        try {
          // Anything but the file itself would be the network: refused and counted.
          const fetched: string[] = [];
          await tab.route('**/*', (route) => {
            const url = route.request().url();
            if (url.startsWith('file:')) return route.continue();
            fetched.push(url);
            return route.abort();
          });
          const errors: string[] = [];
          tab.on('pageerror', (error) => errors.push(error.message));
          await tab.goto(pathToFileURL(html).href);
          await tab.waitForSelector('body[data-charts="2"]', { timeout: 5000 });
          expect(errors).toEqual([]);
          expect(fetched).toEqual([]);

          expect(await tab.textContent('#verdict')).toBe('PASS');
          const rows = await tab.$$eval('#thresholds tbody tr', (trs) =>
            trs.map((tr) => [
              tr.getAttribute('data-metric'),
              tr.querySelector('.mark')?.textContent,
            ]),
          );
          expect(rows).toEqual(report.thresholds.map((t) => [t.metric, '✓']));

          const bar = await tab.$eval('#faults g.fault[data-fault="proxy-down"]', (g) => ({
            text: g.textContent,
            width: g.querySelector('rect')?.getBoundingClientRect().width ?? 0,
          }));
          const tenths = (seconds: number) => Number(seconds.toFixed(1));
          expect(bar.text).toContain(`proxy-down${tenths(fault.start)}–${tenths(fault.end!)} s`);
          expect(bar.width).toBeGreaterThan(100);

          // Both charts drew, and the fleet chart shades the fault window: the same height of
          // the plot has another colour inside the window than after it.
          const drawn = await tab.evaluate(
            ({ start, end, duration }) => {
              const inked = (canvas: HTMLCanvasElement) => {
                const pixels = canvas
                  .getContext('2d')!
                  .getImageData(0, 0, canvas.width, canvas.height).data;
                let n = 0;
                for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) n += 1;
                return n;
              };
              const canvases = Array.from(
                document.querySelectorAll<HTMLCanvasElement>('.chart canvas'),
              );
              const fleet = document.querySelector<HTMLCanvasElement>('#chart-fleet canvas')!;
              const over = document.querySelector('#chart-fleet .u-over')!.getBoundingClientRect();
              const box = fleet.getBoundingClientRect();
              const scale = fleet.width / box.width;
              const pixel = (seconds: number, fromTop: number) => {
                const x = (over.left - box.left + (seconds / duration) * over.width) * scale;
                const y = (over.top - box.top + fromTop * over.height) * scale;
                return [
                  ...fleet.getContext('2d')!.getImageData(Math.round(x), Math.round(y), 1, 1).data,
                ].join(',');
              };
              const heights = [0.3, 0.4, 0.6, 0.7];
              return {
                inked: canvases.map(inked),
                shaded: heights.filter(
                  (h) =>
                    pixel(start + 0.37 * (end - start), h) !==
                    pixel(end + 0.37 * (duration - end), h),
                ).length,
              };
            },
            { start: fault.start, end: fault.end!, duration: report.durationSeconds },
          );
          expect(drawn.inked).toHaveLength(2);
          for (const n of drawn.inked) expect(n).toBeGreaterThan(1000);
          expect(drawn.shaded).toBeGreaterThanOrEqual(3);

          await tab.screenshot({ path: await screenshotPath('html-report.png'), fullPage: true });

          // Dark: the page and the charts follow the reader's colour scheme, redrawn in place.
          const look = () =>
            tab.evaluate(() => {
              const rgb = getComputedStyle(document.body)
                .backgroundColor.match(/\d+/g)!
                .map(Number);
              const fleet = document.querySelector<HTMLCanvasElement>('#chart-fleet canvas')!;
              const pixels = fleet
                .getContext('2d')!
                .getImageData(0, 0, fleet.width, fleet.height).data;
              let inked = 0;
              for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked += 1;
              return {
                luminance: (rgb[0]! + rgb[1]! + rgb[2]!) / 3,
                inked,
                image: fleet.toDataURL(),
              };
            });
          const light = await look();
          await tab.emulateMedia({ colorScheme: 'dark' });
          await tab.waitForFunction(
            (before) =>
              document.querySelector<HTMLCanvasElement>('#chart-fleet canvas')!.toDataURL() !==
              before,
            light.image,
            { timeout: 5000 },
          );
          const dark = await look();
          expect(light.luminance).toBeGreaterThan(200);
          expect(dark.luminance).toBeLessThan(60);
          expect(dark.inked).toBeGreaterThan(1000);
          expect(errors).toEqual([]);
          await tab.screenshot({
            path: await screenshotPath('html-report-dark.png'),
            fullPage: true,
          });
          // The page itself, kept beside the screenshots as a CI artifact.
          await copyFile(html, join(dirname(await screenshotPath('x')), 'html-report.html'));
        } finally {
          await tab.close();
        }
      });
    },
  );
});
