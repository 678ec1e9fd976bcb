import { describe, expect, it } from 'vitest';
import {
  describeCloseCode,
  formatClockTime,
  formatCountdown,
  formatDuration,
  formatMs,
  formatPercent,
} from '../../src/react/format.js';

describe('formatDuration', () => {
  it.each([
    [-5, '0 s'],
    [Number.NaN, '0 s'],
    [0, '0 s'],
    [850, '850 ms'],
    [3_250, '3.2 s'],
    [9_999, '9.9 s'],
    [45_000, '45 s'],
    [60_000, '1 min'],
    [245_000, '4 min 5 s'],
    [2 * 3_600_000 + 3 * 60_000, '2 h 3 min'],
    [26 * 3_600_000, '1 d 2 h'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatCountdown', () => {
  it('rounds the wait up to whole seconds, as a countdown shows it, and reads 0s once due', () => {
    expect(formatCountdown(2_100)).toBe('3s');
    expect(formatCountdown(3_000)).toBe('3s');
    expect(formatCountdown(1)).toBe('1s');
    expect(formatCountdown(0)).toBe('0s');
    expect(formatCountdown(-40)).toBe('0s');
  });
});

describe('formatPercent', () => {
  it('keeps one decimal and never rounds an outage up to 100 %', () => {
    expect(formatPercent(0.99999)).toBe('99.9 %');
    expect(formatPercent(0.5)).toBe('50.0 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('formatMs', () => {
  it('reads loopback, milliseconds and seconds, and nothing measured as a dash', () => {
    expect(formatMs(0.2)).toBe('<1 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1_300)).toBe('1.3 s');
    expect(formatMs(undefined)).toBe('—');
    expect(formatMs(null)).toBe('—');
  });
});

describe('formatClockTime', () => {
  it('reads the local time as HH:MM:SS', () => {
    expect(formatClockTime(new Date(2025, 0, 2, 7, 5, 9).getTime())).toBe('07:05:09');
    expect(formatClockTime(new Date(2025, 0, 2, 23, 59, 0).getTime())).toBe('23:59:00');
  });
});

describe('describeCloseCode', () => {
  it('names known codes and keeps the number', () => {
    expect(describeCloseCode(1012)).toBe('server restarting (1012)');
    expect(describeCloseCode(4000)).toBe('heartbeat timeout (4000)');
    expect(describeCloseCode(4999)).toBe('closed (4999)');
  });
});
