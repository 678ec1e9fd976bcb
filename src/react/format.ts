/**
 * Text for the React components: durations, countdowns, percentages, clock times and close
 * codes. Pure and English, so a dashboard reads the same everywhere and tests pin exact text.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration for people: `0 s`, `850 ms`, `3.2 s`, `45 s`, `4 min 5 s`, `2 h 3 min`,
 * `1 d 2 h`. Below 10 s one decimal is kept (floored, so 9.99 s never reads 10.0 s); negative
 * or non-finite input reads `0 s`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0 s';
  if (ms < SECOND_MS) return `${Math.round(ms)} ms`;
  if (ms < 10 * SECOND_MS) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  if (ms < MINUTE_MS) return `${Math.floor(ms / SECOND_MS)} s`;
  if (ms < HOUR_MS) {
    const s = Math.floor((ms % MINUTE_MS) / SECOND_MS);
    return `${Math.floor(ms / MINUTE_MS)} min${s > 0 ? ` ${s} s` : ''}`;
  }
  if (ms < DAY_MS) {
    const min = Math.floor((ms % HOUR_MS) / MINUTE_MS);
    return `${Math.floor(ms / HOUR_MS)} h${min > 0 ? ` ${min} min` : ''}`;
  }
  const h = Math.floor((ms % DAY_MS) / HOUR_MS);
  return `${Math.floor(ms / DAY_MS)} d${h > 0 ? ` ${h} h` : ''}`;
}

/**
 * Whole seconds left of a wait, rounded up as a countdown shows them (`2.1 s` left reads `3s`,
 * the last moments `1s`), then `0s` once it is due. `ms` is the time remaining.
 */
export function formatCountdown(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  return `${Math.ceil(ms / SECOND_MS)}s`;
}

/**
 * A ratio in [0, 1] as a percentage with one decimal (`99.5 %`); `100 %` and `0 %` without
 * one. Floored: an outage never rounds up to a perfect 100 %. `null` (nothing measured) reads
 * as an em dash.
 */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  if (ratio >= 1) return '100 %';
  if (ratio <= 0) return '0 %';
  return `${(Math.floor(ratio * 1000) / 10).toFixed(1)} %`;
}

/**
 * A round-trip or wait time in ms: `<1 ms` (loopback), `12 ms`, `1.3 s`; undefined or null
 * (nothing measured) reads as an em dash.
 */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0.5) return '<1 ms';
  if (ms < SECOND_MS) return `${Math.round(ms)} ms`;
  return formatDuration(ms);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time of an epoch-ms instant, `HH:MM:SS` (24-hour). */
export function formatClockTime(atMs: number): string {
  const date = new Date(atMs);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `1 attempt`, `3 attempts`. */
export function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** `server restarting (1012)`; an unknown code reads `closed (4999)`. */
export { describeCloseCode } from '../protocol/index.js';
