import { describe, expect, it } from 'vitest';
import {
  describeCloseCode,
  formatClockTime,
  formatDuration,
  formatMs,
  formatPercent,
  formatRelativeTime,
  formatSpan,
  windowTitle,
} from '../../src/health-view/format.js';

const NOW = Date.UTC(2025, 0, 1, 12);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('formatRelativeTime', () => {
  it.each([
    [0, 'just now'],
    [4_999, 'just now'],
    [-30 * S, 'just now'], // a little clock skew reads as now, not "in 30 seconds"
    [5 * S, '5 seconds ago'],
    [59 * S, '59 seconds ago'],
    [MIN, '1 minute ago'],
    [2 * MIN + 59 * S, '2 minutes ago'],
    [H, '1 hour ago'],
    [23 * H + 59 * MIN, '23 hours ago'],
    [24 * H, '1 day ago'],
    [3 * 24 * H, '3 days ago'],
  ])('%d ms ago reads "%s"', (ago, text) => {
    expect(formatRelativeTime(NOW - ago, NOW)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [-1, '0 s'],
    [0, '0 s'],
    [Number.NaN, '0 s'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'], // a countdown from 1 s read "1000 ms"
    [3_249, '3.2 s'],
    [9_999, '9.9 s'],
    [45_000, '45 s'],
    [4 * MIN + 5 * S, '4 min 5 s'],
    [4 * MIN, '4 min'],
    [2 * H + 3 * MIN, '2 h 3 min'],
    [26 * H, '1 d 2 h'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatPercent and formatMs', () => {
  it('never rounds an outage up to 100 % and shows nothing measured as a dash', () => {
    expect(formatPercent(0.99999)).toBe('99.9 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.5)).toBe('50.0 %');
    expect(formatPercent(null)).toBe('—');
  });

  it('shows loopback round trips as <1 ms', () => {
    expect(formatMs(0.2)).toBe('<1 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1_300)).toBe('1.3 s');
    expect(formatMs(undefined)).toBe('—');
  });

  it('names close codes', () => {
    expect(describeCloseCode(1012)).toBe('server restarting (1012)');
    expect(describeCloseCode(4000)).toBe('heartbeat timeout (4000)');
    expect(describeCloseCode(4999)).toBe('closed (4999)');
  });
});

describe('clock times and windows', () => {
  it('reads a clock time with seconds, in UTC unless given the local offset', () => {
    expect(formatClockTime(NOW + 5 * MIN + 9 * S)).toBe('12:05:09');
    expect(formatClockTime(NOW, 2 * H)).toBe('14:00:00');
    expect(formatClockTime(NOW, -13 * H)).toBe('23:00:00'); // the day before, west
    expect(formatClockTime(NOW + 450, 5 * H + 30 * MIN)).toBe('17:30:00');
  });

  it.each([
    [24 * H, '24 h', 'Last 24 hours'],
    [H, '1 h', 'Last hour'],
    [90 * MIN, '90 min', 'Last 90 minutes'],
    [15 * MIN, '15 min', 'Last 15 minutes'],
    [MIN, '1 min', 'Last minute'],
    [30 * S, '30 s', 'Last 30 seconds'],
  ])('a window of %d ms is "%s" long, headed "%s"', (ms, span, title) => {
    expect(formatSpan(ms)).toBe(span);
    expect(windowTitle(ms)).toBe(title);
  });
});
