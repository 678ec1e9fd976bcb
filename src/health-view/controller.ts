import { timelineStrip, type Client, type Clock, type StateChange } from '../client/index.js';
import { addAlert, addGap, createAlertFeed, type AlertFeed } from './alert-feed.js';
import { announcement, badgeModel } from './badge.js';
import { formatDuration, formatPercent } from './format.js';
import { EMPTY_HISTORY, trackHistory } from './history-tracker.js';
import { findOutages } from './outages.js';
import { DEFAULT_WINDOW_MS, parseWindow } from './params.js';
import type { ReplayTracker } from './replay-tracker.js';
import { statsModel } from './stats-model.js';
import { stripModel } from './strip-model.js';
import { timelineModel } from './timeline-model.js';
import type { HealthView } from './view.js';

/** How often relative times, the countdown, uptime and the strip are refreshed, ms. */
export const REFRESH_MS = 1000;

/** What {@link connectView} needs. */
export interface ControllerOptions {
  client: Client;
  view: HealthView;
  replay: ReplayTracker;
  clock: Clock;
  /** The client's retry budget, for "attempt 3 of 10". */
  maxAttempts: number;
  /** Called when the client gives up (`failed`), e.g. so the page can ask for a new token. */
  onFailed?: (change: StateChange) => void;
  /** What the stats and the strip cover at first, ms (the page's menu changes it). Default 24 h. */
  windowMs?: number;
  /** The local time zone's offset from UTC at a time, ms, east positive; default UTC. */
  offsetOf?: (atMs: number) => number;
}

/**
 * Wires a client to the view: every client event updates the page, a clock tick refreshes
 * what depends on time. Returns a function that stops the ticks and listeners (the caller
 * disposes the client).
 */
export function connectView(options: ControllerOptions): () => void {
  const { client, view, replay, clock, maxAttempts } = options;
  let feed: AlertFeed = createAlertFeed();
  let change: StateChange | undefined;
  let lastRttMs: number | undefined;
  let windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  let history = EMPTY_HISTORY;

  const renderStatus = (): void => {
    const now = clock.now();
    view.renderBadge(
      badgeModel({
        state: client.state,
        quality: client.quality,
        attempt: client.attempt,
        maxAttempts,
        change,
        now,
        transport: client.transport,
      }),
    );
    const entries = client.timeline();
    history = trackHistory(history, entries);
    const stats = client.stats(windowMs);
    const timeline = timelineModel(entries, now);
    const strip = stripModel({
      segments: timelineStrip(entries, now, windowMs, history.baseline),
      nowMs: now,
      windowMs,
      uptimeRatio: stats.uptimeRatio,
      outages: findOutages(entries),
      ...(options.offsetOf === undefined ? {} : { offsetOf: options.offsetOf }),
    });
    // The panel covers the window, so its summary counts the strip's outages; one still going
    // on counts (the badge says Reconnecting, the summary must not say 0).
    const outages = `${strip.outages} outage${strip.outages === 1 ? '' : 's'}${strip.ongoing ? ' (one ongoing)' : ''}`;
    view.renderStats(
      statsModel(stats, lastRttMs),
      `uptime ${formatPercent(stats.uptimeRatio)} over ${formatDuration(stats.observedMs)} · ${outages}`,
    );
    view.renderStrip(strip);
    view.renderTimeline(timeline, history.dropped);
  };
  const renderAlerts = (): void => view.renderAlerts(feed, clock.now());

  const unsubscribe = [
    client.on('state', (next) => {
      change = next;
      renderStatus();
      const text = announcement(next, maxAttempts);
      if (text !== undefined)
        view.announce(text, next.to === 'failed' || next.to === 'disconnected');
      if (next.to === 'failed') options.onFailed?.(next);
    }),
    client.on('quality', (q) => {
      renderStatus();
      view.announce(
        q.to === 'poor' ? 'Poor connection: pongs are late.' : 'Connection quality recovered.',
      );
    }),
    client.on('transport', (move) => {
      renderStatus();
      if (move.to === 'polling') {
        view.announce('WebSocket is blocked: receiving alerts by long polling.');
      } else if (move.from === 'polling') view.announce('Back on WebSocket.');
    }),
    client.on('pong', (pong) => {
      if (!pong.throttled) lastRttMs = pong.rttMs;
    }),
    client.on('alert', (alert) => {
      feed = addAlert(feed, alert, replay.takeReplayed(alert.id));
      renderAlerts();
      view.announce(`New ${alert.severity} alert: ${alert.title}`);
    }),
    client.on('gap', (gap) => {
      feed = addGap(feed, gap);
      renderAlerts();
    }),
  ];

  let stopped = false;
  view.onWindowChange((value) => {
    const picked = parseWindow(value);
    if (stopped || picked === undefined) return;
    windowMs = picked;
    renderStatus();
  });
  let timer = clock.setTimeout(function tick() {
    if (stopped) return;
    renderStatus();
    renderAlerts();
    timer = clock.setTimeout(tick, REFRESH_MS);
  }, REFRESH_MS);

  renderStatus();
  renderAlerts();
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
    for (const off of unsubscribe) off();
  };
}
