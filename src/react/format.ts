/**
 * Text for the React components: durations, countdowns, percentages, clock times and close
 * codes. Pure and English, so a dashboard reads the same everywhere and tests pin exact text.
 */

import { formatDuration } from '../client/index.js';

const SECOND_MS = 1000;

/** A duration for people (one definition, in the client): `850 ms`, `3.2 s`, `4 min 5 s`. */
export { formatDuration };

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
