// The components rendered to HTML with react-dom/server (no DOM needed): what each shows for a
// given view. Their behaviour over time (countdown, toasts, strip) runs in Chromium in
// test/e2e/browser-react-dashboard.test.ts.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SimulatedClock, type ClientStats, type TimelineEntry } from '../../src/client/index.js';
import {
  ConnectionHealthMonitor,
  ConnectionStatusBadge,
  ConnectionToasts,
  type ConnectionStatusView,
} from '../../src/react/index.js';

const NOW = 1_700_000_000_000;
const noop = (): void => {};

function badgeHtml(view: Partial<ConnectionStatusView> & Pick<ConnectionStatusView, 'state'>) {
  const clock = new SimulatedClock(NOW);
  return renderToStaticMarkup(
    h(ConnectionStatusBadge, {
      view: { attempt: 0, maxAttempts: 10, reconnect: noop, ...view },
      clock,
    }),
  );
}

describe('ConnectionStatusBadge', () => {
  it('is a polite status region with a live dot while connected', () => {
    const html = badgeHtml({ state: 'connected', quality: 'good' });
    expect(html).toContain('role="status"');
    expect(html).toContain('aria-live="polite"');
    expect(html).toContain('class="sw-badge sw-badge--connected"');
    expect(html).toContain('sw-badge__dot--live');
    expect(html).not.toContain('<button');
  });

  it('shows the attempt of max and the countdown on the clock it is given', () => {
    const html = badgeHtml({ state: 'reconnecting', attempt: 2, nextRetryAt: NOW + 1_500 });
    expect(html).toContain('Reconnecting · attempt 2 of 10');
    expect(html).toContain('next retry in 2s');
    expect(html).not.toContain('sw-badge__dot--live');
  });

  it('offers Reconnect when failed', () => {
    const html = badgeHtml({ state: 'failed', attempt: 4 });
    expect(html).toContain('sw-badge--failed');
    expect(html).toMatch(/<button type="button" class="sw-button sw-badge__reconnect">Reconnect</);
  });
});

const H = 60 * 60 * 1000;

const STATS: ClientStats = {
  windowMs: 2 * H,
  from: NOW - 2 * H,
  to: NOW,
  observedMs: 60 * 60_000,
  uptimeMs: 59 * 60_000,
  downtimeMs: 60_000,
  uptimeRatio: 59 / 60,
  attempts: 4,
  successfulAttempts: 3,
  failedAttempts: 1,
  successRate: 0.75,
  disconnections: 2,
  reconnectMs: { count: 2, avg: 2_500, p50: 2_000, p95: 3_000, max: 3_000 },
  pongRttMs: { count: 10, avg: 14, p50: 12, p95: 40, max: 41 },
  detectionMs: null,
};

const TIMELINE: TimelineEntry[] = [
  { at: NOW - H, kind: 'connecting', reason: 'connect', attempt: 0 },
  { at: NOW - H + 100, kind: 'connected', reason: 'open', attempt: 0 },
  { at: NOW - 30 * 60_000, kind: 'reconnecting', reason: 'close', closeCode: 1012, attempt: 1 },
  { at: NOW - 29 * 60_000, kind: 'connected', reason: 'open', attempt: 1 },
];

describe('ConnectionHealthMonitor', () => {
  it('is collapsed by default, with the uptime and disconnections in its header', () => {
    const html = renderToStaticMarkup(
      h(ConnectionHealthMonitor, { view: { stats: STATS, timeline: TIMELINE } }),
    );
    expect(html).toContain('aria-expanded="false"');
    expect(html).toContain('Uptime 98.3 % · 2 disconnections');
    expect(html).toMatch(/class="sw-monitor__body" hidden=""><\/div>/);
  });

  it('open, draws the window as a strip and lists the stats and recent events', () => {
    const html = renderToStaticMarkup(
      h(ConnectionHealthMonitor, {
        view: { stats: STATS, timeline: TIMELINE, lastPongRttMs: 9 },
        windowMs: 2 * H,
        defaultOpen: true,
      }),
    );
    expect(html).toContain('aria-expanded="true"');
    const states = [...html.matchAll(/data-state="(\w+)"/g)].map((m) => m[1]);
    expect(states).toEqual(['unknown', 'reconnecting', 'connected', 'reconnecting', 'connected']);
    expect(html).toMatch(
      /title="Reconnecting · [\d:]+–[\d:]+ \(1 min\) · 1 attempt · server restarting \(1012\)"/,
    );
    const stat = (id: string) =>
      new RegExp(
        `data-stat="${id}"><dt class="sw-stat__label">[^<]+</dt><dd class="sw-stat__value">([^<]+)`,
      ).exec(html)?.[1];
    expect(stat('uptime')).toBe('98.3 %');
    expect(stat('downtime')).toBe('1 min');
    expect(stat('success-rate')).toBe('75.0 %');
    expect(stat('avg-reconnect')).toBe('2.5 s');
    expect(stat('failed-attempts')).toBe('1');
    expect(stat('disconnections')).toBe('2');
    expect(stat('pong-rtt')).toBe('9 ms');
    expect(html).toContain('p50 12 ms · p95 40 ms');
    const labels = [...html.matchAll(/sw-event__label">([^<]+)/g)].map((m) => m[1]);
    expect(labels).toEqual(['Connected', 'Connection lost', 'Connected', 'Connecting']);
  });
});

describe('ConnectionToasts', () => {
  it('starts as an empty polite region', () => {
    const html = renderToStaticMarkup(
      h(ConnectionToasts, { view: { lastChange: undefined, reconnect: noop } }),
    );
    expect(html).toBe(
      '<div class="sw-toasts" role="region" aria-label="Connection notifications" aria-live="polite"></div>',
    );
  });
});
