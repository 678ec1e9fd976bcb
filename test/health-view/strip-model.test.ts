import { describe, expect, it } from 'vitest';
import { timelineStrip, type TimelineEntry } from '../../src/client/index.js';
import { findOutages } from '../../src/health-view/outages.js';
import { layoutStrip, stripModel, type StripInput } from '../../src/health-view/strip-model.js';
import { timelineModel } from '../../src/health-view/timeline-model.js';

const T0 = Date.UTC(2025, 0, 1, 12); // 12:00:00 UTC
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;

// A page opened at 12:00, connected, the server killed at 12:01 (1006), three failed retries,
// back at 12:01:07; later a poor spell.
const ENTRIES: TimelineEntry[] = [
  { at: T0, kind: 'connecting', reason: 'connect', attempt: 0 },
  { at: T0 + 50, kind: 'connected', reason: 'open', attempt: 0 },
  { at: T0 + MIN, kind: 'reconnecting', reason: 'close', attempt: 1, closeCode: 1006 },
  { at: T0 + MIN + S, kind: 'connecting', reason: 'retry', attempt: 1 },
  { at: T0 + MIN + 1_005, kind: 'reconnecting', reason: 'close', attempt: 2, closeCode: 1006 },
  { at: T0 + MIN + 3 * S, kind: 'connecting', reason: 'retry', attempt: 2 },
  { at: T0 + MIN + 3_005, kind: 'reconnecting', reason: 'close', attempt: 3, closeCode: 1006 },
  { at: T0 + MIN + 7 * S, kind: 'connecting', reason: 'retry', attempt: 3 },
  { at: T0 + MIN + 7 * S, kind: 'connected', reason: 'open', attempt: 3 },
  { at: T0 + 2 * MIN, kind: 'poor' },
  { at: T0 + 2 * MIN + 30 * S, kind: 'good' },
];

function model(nowMs: number, windowMs: number, offsetOf?: StripInput['offsetOf']) {
  return stripModel({
    segments: timelineStrip(ENTRIES, nowMs, windowMs),
    nowMs,
    windowMs,
    uptimeRatio: 0.962,
    outages: findOutages(ENTRIES),
    ...(offsetOf === undefined ? {} : { offsetOf }),
  });
}

describe('stripModel', () => {
  it('places each stretch at its share of the window, coloured by state, with grey before the page watched', () => {
    // A 15-minute window ending at 12:05: 10 minutes before the page opened, then its history.
    const strip = model(T0 + 5 * MIN, 15 * MIN);
    expect(
      strip.rows.map((r) => [
        r.state,
        r.tone,
        +r.leftPercent.toFixed(3),
        +r.widthPercent.toFixed(3),
      ]),
    ).toEqual([
      ['unknown', 'neutral', 0, 66.667],
      ['reconnecting', 'info', 66.667, 0.006], // the first connect, 50 ms
      ['connected', 'ok', 66.672, 6.661],
      ['reconnecting', 'info', 73.333, 0.778], // the 7-second outage
      ['connected', 'ok', 74.111, 5.889],
      ['poor', 'warn', 80, 3.333],
      ['connected', 'ok', 83.333, 16.667],
    ]);
    const total = strip.rows.reduce((sum, r) => sum + r.widthPercent, 0);
    expect(total).toBeCloseTo(100, 9);
    expect(strip.title).toBe('Last 15 minutes');
    expect([strip.startLabel, strip.endLabel]).toEqual(['15 min ago', 'now']);
  });

  it('says on hover what each stretch was, from when to when in local time, its attempts and cause', () => {
    // UTC+2: the page's clock reads 14:00 at T0.
    const strip = model(T0 + 5 * MIN, 15 * MIN, () => 2 * H);
    expect(strip.rows.map((r) => r.tooltip)).toEqual([
      'No data\n13:50:00 – 14:00:00 · 10 min\nbefore this page was watching',
      'Connecting\n14:00:00 – 14:00:00 · 50 ms',
      'Connected\n14:00:00 – 14:01:00 · 59 s',
      'Reconnecting · 3 attempts\n14:01:00 – 14:01:07 · 7.0 s\nconnection lost (1006)',
      'Connected\n14:01:07 – 14:02:00 · 53 s',
      'Poor connection\n14:02:00 – 14:02:30 · 30 s\npongs late',
      'Connected\n14:02:30 – now · 2 min 30 s',
    ]);
  });

  it('keeps a 3-second outage in a day: a sliver of the window the view widens to stay visible', () => {
    // 18:00; the day's window began at 18:00 yesterday.
    const nowMs = T0 + 6 * H;
    const entries: TimelineEntry[] = [
      { at: T0 - 20 * H, kind: 'connected', reason: 'open', attempt: 0 },
      { at: T0, kind: 'reconnecting', reason: 'close', attempt: 1, closeCode: 1012 },
      { at: T0 + 3 * S, kind: 'connected', reason: 'open', attempt: 1 },
    ];
    const strip = stripModel({
      segments: timelineStrip(entries, nowMs, DAY),
      nowMs,
      windowMs: DAY,
      uptimeRatio: 0.99996,
      outages: findOutages(entries),
    });
    expect(strip.rows.map((r) => r.state)).toEqual(['connected', 'reconnecting', 'connected']);
    expect(strip.rows[1]!.leftPercent).toBe(75);
    expect(strip.rows[1]!.widthPercent).toBeCloseTo((3 / 86_400) * 100, 9);
    expect(strip.rows[1]!.tooltip).toBe(
      'Reconnecting · 1 attempt\n12:00:00 – 12:00:03 · 3.0 s\nserver restarting (1012)',
    );
    // A stretch begun before the window says when it really began, and on which day.
    expect(strip.rows[0]!.tooltip).toBe('Connected\nyesterday 16:00:00 – 12:00:00 · 20 h');
    expect(strip.ariaLabel).toBe('Last 24 hours: 99.9 % connected, 1 outage');
    expect([strip.startLabel, strip.endLabel]).toEqual(['24 h ago', 'now']);
  });

  it('marks every round hour of a day, labelled every 6 hours away from the edge labels', () => {
    // 12:30 local: hours 13:00 yesterday .. 12:00 today.
    const nowMs = T0 + 30 * MIN;
    const strip = model(nowMs, DAY);
    expect(strip.ticks).toHaveLength(24);
    expect(strip.ticks[0]!.leftPercent).toBeCloseTo((30 / 1440) * 100, 9);
    expect(strip.ticks.filter((t) => t.label !== '').map((t) => t.label)).toEqual([
      '18:00',
      '00:00',
      '06:00',
    ]);
    // The last label (12:00, 30 min before now) would sit under "now": it is dropped.
    expect(strip.ticks.at(-1)).toEqual({ leftPercent: (1410 / 1440) * 100, label: '' });
  });

  it('aligns ticks to the local clock and picks a step the window can hold', () => {
    // A minute: a tick every 5 s, labelled every 10 s with seconds.
    const minute = model(T0 + 2 * MIN + 2 * S, MIN, () => 30 * MIN);
    expect(minute.ticks).toHaveLength(12);
    expect(minute.ticks.filter((t) => t.label !== '').map((t) => t.label)).toEqual([
      '12:31:10',
      '12:31:20',
      '12:31:30',
      '12:31:40',
      '12:31:50',
    ]);
    // 15 minutes: every minute, labelled every 5 minutes.
    const quarter = model(T0 + 5 * MIN, 15 * MIN);
    expect(quarter.ticks).toHaveLength(14);
    expect(quarter.ticks.filter((t) => t.label !== '').map((t) => t.label)).toEqual([
      '11:55',
      '12:00',
    ]);
  });

  it('counts the outages the event list counts, and not a reconnect or disconnect the page asked for', () => {
    const entries: TimelineEntry[] = [
      ...ENTRIES,
      { at: T0 + 3 * MIN, kind: 'connecting', reason: 'reconnect', attempt: 0 },
      { at: T0 + 3 * MIN + 20, kind: 'connected', reason: 'open', attempt: 0 },
      { at: T0 + 4 * MIN, kind: 'disconnected', reason: 'client', attempt: 0 },
      { at: T0 + 5 * MIN, kind: 'connecting', reason: 'connect', attempt: 0 },
      { at: T0 + 5 * MIN + 20, kind: 'connected', reason: 'open', attempt: 0 },
      { at: T0 + 6 * MIN, kind: 'reconnecting', reason: 'heartbeat-timeout', attempt: 1 },
      { at: T0 + 6 * MIN + S, kind: 'failed', reason: 'max-attempts', attempt: 1 },
    ];
    const nowMs = T0 + 7 * MIN;
    const strip = stripModel({
      segments: timelineStrip(entries, nowMs, DAY),
      nowMs,
      windowMs: DAY,
      uptimeRatio: 0.5,
      outages: findOutages(entries),
    });
    expect([strip.outages, strip.ongoing]).toEqual([2, true]);
    expect(timelineModel(entries, nowMs).outages).toBe(2);
    expect(strip.ariaLabel).toBe('Last 24 hours: 50.0 % connected, 2 outages');
    expect(strip.rows.map((r) => r.label)).toEqual([
      'No data',
      'Connecting',
      'Connected',
      'Reconnecting',
      'Connected',
      'Poor connection',
      'Connected',
      'Reconnect requested',
      'Connected',
      'Disconnected',
      'Connecting',
      'Connected',
      'Reconnecting',
      'Failed',
    ]);
    expect(strip.rows.find((r) => r.state === 'disconnected')!.tooltip).toMatch(
      /\nclosed by this page$/,
    );
    expect(strip.rows.at(-1)!.tooltip).toBe(
      'Failed · 1 attempt\n12:06:01 – now · 59 s\ngave up after the last attempt',
    );
  });

  it('counts the outages it shows: one that began before the window and ended in it, not one before', () => {
    const entries: TimelineEntry[] = [
      { at: T0, kind: 'connected', reason: 'open', attempt: 0 },
      { at: T0 + MIN, kind: 'reconnecting', reason: 'close', attempt: 1, closeCode: 1006 },
      { at: T0 + 2 * MIN, kind: 'connected', reason: 'open', attempt: 1 },
      { at: T0 + 10 * MIN, kind: 'reconnecting', reason: 'close', attempt: 1, closeCode: 1006 },
      { at: T0 + 20 * MIN, kind: 'connected', reason: 'open', attempt: 4 },
    ];
    // 12:13 .. 12:25: the second outage began at 12:10, before the window.
    const nowMs = T0 + 25 * MIN;
    const strip = stripModel({
      segments: timelineStrip(entries, nowMs, 12 * MIN),
      nowMs,
      windowMs: 12 * MIN,
      uptimeRatio: 0.5,
      outages: findOutages(entries),
    });
    expect(strip.rows.map((r) => [r.state, r.leftPercent, r.widthPercent])).toEqual([
      ['reconnecting', 0, (7 / 12) * 100],
      ['connected', (7 / 12) * 100, (5 / 12) * 100],
    ]);
    expect([strip.outages, strip.ongoing]).toEqual([1, false]);
    expect(strip.rows[0]!.tooltip).toBe(
      'Reconnecting · 1 attempt\n12:10:00 – 12:20:00 · 10 min\nconnection lost (1006)',
    );
  });

  it('says when nothing has been observed yet', () => {
    const strip = stripModel({
      segments: [],
      nowMs: T0,
      windowMs: DAY,
      uptimeRatio: null,
      outages: [],
    });
    expect(strip.ariaLabel).toBe('Last 24 hours: no data yet');
    expect(strip.outages).toBe(0);
  });
});

describe('layoutStrip', () => {
  const box = (leftPercent: number, widthPercent: number) => ({ leftPercent, widthPercent });

  it('draws stretches at their true place when all are wide enough', () => {
    const rows = [box(0, 50), box(50, 30), box(80, 20)];
    expect(layoutStrip(rows, 0.5)).toEqual(rows);
  });

  it('widens a short outage mid-day to the minimum, taking the room from the stretch before it', () => {
    const laid = layoutStrip([box(0, 50), box(50, 0.0035), box(50.0035, 49.9965)], 0.3);
    expect(laid[2]).toEqual(box(50.0035, 49.9965));
    expect(laid[1]!.widthPercent).toBeCloseTo(0.3, 9);
    expect(laid[1]!.leftPercent).toBeCloseTo(49.7035, 9);
    expect(laid[0]).toEqual(box(0, laid[1]!.leftPercent));
  });

  it('keeps the newest stretch at the right edge when the last few seconds of a day are all tiny', () => {
    // No data, then a connect, an outage and the connection now: each a sliver of a day.
    const laid = layoutStrip(
      [box(0, 99.99), box(99.99, 0.002), box(99.992, 0.003), box(99.995, 0.005)],
      0.3,
    );
    expect(laid.map((b) => +b.leftPercent.toFixed(6))).toEqual([0, 99.1, 99.4, 99.7]);
    expect(laid.map((b) => +b.widthPercent.toFixed(6))).toEqual([99.1, 0.3, 0.3, 0.3]);
  });

  it('never draws past the left edge', () => {
    const laid = layoutStrip([box(0, 0.1), box(0.1, 0.1)], 1);
    expect(laid).toEqual([box(0, 0), box(0, 0.2)]);
  });
});
