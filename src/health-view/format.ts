/**
 * Text formatting for the health view: relative times, durations, percentages. Pure and
 * locale-independent (English), so the page reads the same everywhere and tests pin exact text.
 */

import { formatDuration } from '../client/index.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * How long ago `atMs` was, seen from `nowMs` (both epoch ms): `just now` under 5 s (and for
 * times slightly in the future, a clock skew), then `12 seconds ago`, `1 minute ago`,
 * `2 hours ago`, `3 days ago`. Units are floored, as people read a clock.
 */
export function formatRelativeTime(atMs: number, nowMs: number): string {
  const ago = nowMs - atMs;
  if (!Number.isFinite(ago) || ago < 5 * SECOND_MS) return 'just now';
  if (ago < MINUTE_MS) return `${plural(Math.floor(ago / SECOND_MS), 'second')} ago`;
  if (ago < HOUR_MS) return `${plural(Math.floor(ago / MINUTE_MS), 'minute')} ago`;
  if (ago < DAY_MS) return `${plural(Math.floor(ago / HOUR_MS), 'hour')} ago`;
  return `${plural(Math.floor(ago / DAY_MS), 'day')} ago`;
}

/** A duration for people (one definition, in the client): `850 ms`, `3.2 s`, `4 min 5 s`. */
export { formatDuration };

/**
 * A ratio in [0, 1] as a percentage with one decimal (`99.5 %`); `100 %` and `0 %` without
 * one. A value just under 1 never rounds up to 100 %: an outage must not read as perfect.
 * `null` (nothing measured) reads as an em dash.
 */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  if (ratio >= 1) return '100 %';
  if (ratio <= 0) return '0 %';
  const tenths = Math.floor(ratio * 1000);
  return `${(tenths / 10).toFixed(1)} %`;
}

/**
 * Round-trip or wait times in ms: `<1 ms` (loopback), `12 ms`, `1.3 s`; null reads as an em
 * dash.
 */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0.5) return '<1 ms';
  if (ms < SECOND_MS) return `${Math.round(ms)} ms`;
  return formatDuration(ms);
}

/** `server restarting (1012)`; an unknown code reads `closed (4999)`. */
export { describeCloseCode } from '../protocol/index.js';

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A clock time, `14:05:09` (24-hour, seconds kept: a short outage is seconds long). `offsetMs`
 * is the local time zone's offset from UTC at `atMs` (east positive); 0 reads UTC, so tests pin
 * exact text wherever they run.
 */
export function formatClockTime(atMs: number, offsetMs = 0): string {
  const local = new Date(atMs + offsetMs);
  return `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}`;
}

/**
 * A window length in its largest whole unit: `24 h`, `90 min`, `30 s` (the strip's edge label
 * reads `24 h ago`). Lengths that are no whole number of seconds round to one.
 */
export function formatSpan(ms: number): string {
  if (ms >= HOUR_MS && ms % HOUR_MS === 0) return `${ms / HOUR_MS} h`;
  if (ms >= MINUTE_MS && ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} min`;
  return `${Math.max(1, Math.round(ms / SECOND_MS))} s`;
}

/** A heading for a window: `Last 24 hours`, `Last hour`, `Last 15 minutes`, `Last 30 seconds`. */
export function windowTitle(ms: number): string {
  const [count, unit] =
    ms >= HOUR_MS && ms % HOUR_MS === 0
      ? [ms / HOUR_MS, 'hour']
      : ms >= MINUTE_MS && ms % MINUTE_MS === 0
        ? [ms / MINUTE_MS, 'minute']
        : [Math.max(1, Math.round(ms / SECOND_MS)), 'second'];
  return count === 1 ? `Last ${unit}` : `Last ${plural(count, unit)}`;
}
