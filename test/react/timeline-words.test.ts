import { describe, expect, it } from 'vitest';
import { timelineStrip, type TimelineEntry } from '../../src/client/index.js';
import { describeCause, describeSegment, recentEvents } from '../../src/react/timeline-words.js';

const T0 = new Date(2025, 5, 1, 14, 0, 0).getTime();

function at(s: number, kind: TimelineEntry['kind'], extra: Partial<TimelineEntry> = {}) {
  return { at: T0 + s * 1000, kind, ...extra } satisfies TimelineEntry;
}

const OUTAGE: TimelineEntry[] = [
  at(0, 'disconnected', { reason: 'initial' }),
  at(0, 'connecting', { reason: 'connect', attempt: 0 }),
  at(0.2, 'connected', { reason: 'open', attempt: 0 }),
  at(10, 'reconnecting', { reason: 'close', closeCode: 1006, attempt: 1, delayMs: 500 }),
  at(10.5, 'connecting', { reason: 'retry', attempt: 1 }),
  at(10.6, 'reconnecting', { reason: 'close', closeCode: 1006, attempt: 2, delayMs: 1000 }),
  at(11.6, 'connecting', { reason: 'retry', attempt: 2 }),
  at(11.7, 'connected', { reason: 'open', attempt: 2 }),
  at(20, 'poor'),
  at(25, 'good'),
];

describe('recentEvents', () => {
  it('lists the timeline in words, newest first, folding the start of each retry', () => {
    expect(recentEvents(OUTAGE).map((e) => [e.tone, e.label, e.detail])).toEqual([
      ['connected', 'Link good again', ''],
      ['poor', 'Link poor', 'pongs are late'],
      ['connected', 'Connected', 'on attempt 2'],
      ['reconnecting', 'Attempt failed', 'connection lost (1006) · retry 2 in 1.0 s'],
      ['reconnecting', 'Connection lost', 'connection lost (1006) · retry 1 in 500 ms'],
      ['connected', 'Connected', ''],
      ['reconnecting', 'Connecting', ''],
    ]);
  });

  it('keeps the last `count` events and unique keys', () => {
    const events = recentEvents(OUTAGE, 3);
    expect(events.map((e) => e.label)).toEqual(['Link good again', 'Link poor', 'Connected']);
    expect(new Set(recentEvents(OUTAGE).map((e) => e.key)).size).toBe(7);
  });

  it('tells a loss of a live connection from giving up and from closing on purpose', () => {
    const events = recentEvents([
      at(0, 'connected'),
      at(1, 'disconnected', { reason: 'client' }),
      at(2, 'connecting', { reason: 'reconnect', attempt: 0 }),
      at(3, 'reconnecting', { reason: 'close', closeCode: 1006, attempt: 1, delayMs: 300 }),
      at(4, 'failed', { reason: 'max-attempts', attempt: 3 }),
    ]);
    expect(events.map((e) => `${e.label}: ${e.detail}`)).toEqual([
      'Gave up: after 3 attempts',
      'Attempt failed: connection lost (1006) · retry 1 in 300 ms',
      'Reconnecting now: reconnect requested',
      'Disconnected: closed by this page',
      'Connected: ',
    ]);
  });
});

describe('describeCause', () => {
  it('prefers the reason, then the HTTP status, then the close code', () => {
    expect(describeCause({ reason: 'heartbeat-timeout', closeCode: 4000 })).toBe(
      'heartbeat timeout',
    );
    expect(describeCause({ reason: 'close', httpStatus: 429, closeCode: 1006 })).toBe(
      'refused with HTTP 429',
    );
    expect(describeCause({ reason: 'close', closeCode: 1012 })).toBe('server restarting (1012)');
    expect(describeCause({ reason: 'connect' })).toBe('');
  });
});

describe('describeSegment', () => {
  it('gives each stretch of the strip its state, span, attempts and cause', () => {
    const now = T0 + 30_000;
    const strip = timelineStrip(OUTAGE, now, 60_000);
    expect(strip.map((segment) => describeSegment(segment, now))).toEqual([
      'No data · 13:59:30–14:00:00 (30 s)',
      'Connecting · 14:00:00–14:00:00 (200 ms)',
      'Connected · 14:00:00–14:00:10 (9.8 s)',
      'Reconnecting · 14:00:10–14:00:11 (1.7 s) · 2 attempts · connection lost (1006)',
      'Connected · 14:00:11–14:00:20 (8.3 s)',
      'Poor link · 14:00:20–14:00:25 (5.0 s)',
      'Connected · 14:00:25–now (5.0 s)',
    ]);
  });
});
