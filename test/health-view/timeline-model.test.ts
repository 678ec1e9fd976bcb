import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/client/index.js';
import { timelineModel } from '../../src/health-view/timeline-model.js';

const T0 = Date.UTC(2025, 0, 1, 12);
const S = 1000;

// Connect, lose the server (1012), two failed retries, back 7 s later; later a poor spell.
const ENTRIES: TimelineEntry[] = [
  { at: T0, kind: 'connecting', reason: 'connect', attempt: 0 },
  { at: T0 + 50, kind: 'connected', reason: 'open', attempt: 0 },
  {
    at: T0 + 60 * S,
    kind: 'reconnecting',
    reason: 'close',
    attempt: 1,
    closeCode: 1012,
    delayMs: 1000,
  },
  { at: T0 + 61 * S, kind: 'connecting', reason: 'retry', attempt: 1 },
  {
    at: T0 + 61 * S + 5,
    kind: 'reconnecting',
    reason: 'close',
    attempt: 2,
    closeCode: 1006,
    delayMs: 2000,
  },
  { at: T0 + 63 * S, kind: 'connecting', reason: 'retry', attempt: 2 },
  {
    at: T0 + 63 * S + 5,
    kind: 'reconnecting',
    reason: 'close',
    attempt: 3,
    closeCode: 1006,
    delayMs: 4000,
  },
  { at: T0 + 67 * S, kind: 'connecting', reason: 'retry', attempt: 3 },
  { at: T0 + 67 * S + 10, kind: 'connected', reason: 'open', attempt: 3 },
  { at: T0 + 120 * S, kind: 'poor' },
  { at: T0 + 130 * S, kind: 'good' },
];

describe('timelineModel', () => {
  it('folds retries into their reconnecting rows, color-codes each row and measures the outage', () => {
    const model = timelineModel(ENTRIES, T0 + 180 * S);
    expect(
      model.rows.map((r) => [r.category, r.tone, r.icon, r.label, r.detail, r.relative]),
    ).toEqual([
      ['reconnecting', 'info', '↻', 'Connecting', '', '3 minutes ago'],
      ['connected', 'ok', '●', 'Connected', '', '2 minutes ago'],
      [
        'reconnecting',
        'info',
        '↻',
        'Reconnecting (attempt 1)',
        'server restarting (1012) · retry in 1.0 s',
        '2 minutes ago',
      ],
      [
        'reconnecting',
        'info',
        '↻',
        'Reconnecting (attempt 2)',
        'connection lost (1006) · retry in 2.0 s',
        '1 minute ago',
      ],
      [
        'reconnecting',
        'info',
        '↻',
        'Reconnecting (attempt 3)',
        'connection lost (1006) · retry in 4.0 s',
        '1 minute ago',
      ],
      ['connected', 'ok', '●', 'Connected', 'back after an outage of 7.0 s', '1 minute ago'],
      ['poor', 'warn', '▲', 'Poor connection', 'pongs late', '1 minute ago'],
      ['connected', 'ok', '●', 'Connection quality recovered', '', '50 seconds ago'],
    ]);
    expect(model.outages).toBe(1);
    expect(model.ongoing).toBe(false);
    expect(model.hidden).toBe(0);
  });

  it('shows failures and app disconnects, counts a lost connection not yet back, but not a disconnect by the page', () => {
    const model = timelineModel(
      [
        { at: T0, kind: 'connected', reason: 'open', attempt: 0 },
        { at: T0 + S, kind: 'disconnected', reason: 'client', attempt: 0 },
        { at: T0 + 2 * S, kind: 'connecting', reason: 'connect', attempt: 0 },
        { at: T0 + 3 * S, kind: 'connected', reason: 'open', attempt: 0 },
        {
          at: T0 + 4 * S,
          kind: 'reconnecting',
          reason: 'heartbeat-timeout',
          attempt: 1,
          closeCode: 4000,
          delayMs: 10,
        },
        { at: T0 + 5 * S, kind: 'failed', reason: 'max-attempts', attempt: 1 },
      ],
      T0 + 5 * S,
    );
    expect(model.rows.map((r) => [r.category, r.tone, r.icon, r.detail])).toEqual([
      ['connected', 'ok', '●', ''],
      ['disconnected', 'bad', '■', 'closed by this page'],
      ['reconnecting', 'info', '↻', ''],
      ['connected', 'ok', '●', ''],
      ['reconnecting', 'info', '↻', 'heartbeat timeout · retry in 10 ms'],
      ['failed', 'bad', '✕', 'gave up after the last attempt'],
    ]);
    // The heartbeat loss at 4 s is an outage still going on (failed); the page's own
    // disconnect at 1 s is none.
    expect(model.outages).toBe(1);
    expect(model.ongoing).toBe(true);
  });

  it('lists every row by default: a day of flapping is scrolled through, not cut', () => {
    const flaps: TimelineEntry[] = [];
    for (let i = 0; i < 600; i++) {
      flaps.push(
        { at: T0 + i * 60 * S, kind: 'connected', reason: 'open', attempt: i === 0 ? 0 : 1 },
        {
          at: T0 + i * 60 * S + 30 * S,
          kind: 'reconnecting',
          reason: 'close',
          attempt: 1,
          closeCode: 1006,
        },
      );
    }
    const model = timelineModel(flaps, T0 + 600 * 60 * S);
    expect(model.rows).toHaveLength(1200);
    expect(model.hidden).toBe(0);
    expect([model.outages, model.ongoing]).toEqual([600, true]);
  });

  it('keeps only the latest rows and says how many are hidden', () => {
    const model = timelineModel(ENTRIES, T0 + 180 * S, 3);
    expect(model.rows.map((r) => r.label)).toEqual([
      'Connected',
      'Poor connection',
      'Connection quality recovered',
    ]);
    expect(model.hidden).toBe(5);
  });
});
