import type { StripSegment, StripState } from '../client/index.js';
import type { Tone } from './badge.js';
import { describeCause } from './entry-cause.js';
import type { Outage } from './outages.js';
import {
  formatClockTime,
  formatDuration,
  formatPercent,
  formatSpan,
  windowTitle,
} from './format.js';

/** One stretch of the strip as drawn: where it sits, its colour and its hover text. */
export interface StripRow {
  state: StripState;
  tone: Tone;
  /** Start, percent of the window from its left edge (0..100). */
  leftPercent: number;
  /** Width, percent of the window; the view keeps a minimum visible width on screen. */
  widthPercent: number;
  /** `Reconnecting`, `Connected`, `No data`… */
  label: string;
  /** Hover text, one fact a line: what, from–to local time and duration, attempts, cause. */
  tooltip: string;
}

/** A mark under the strip at a round clock time. */
export interface StripTick {
  leftPercent: number;
  /** `18:00` on major ticks clear of the edge labels; '' on minor ones. */
  label: string;
}

/** What the strip draws. */
export interface StripModel {
  windowMs: number;
  /** `Last 24 hours`. */
  title: string;
  /** The left edge: `24 h ago`. */
  startLabel: string;
  /** The right edge: `now`. */
  endLabel: string;
  /** Oldest first; together they cover the window. */
  rows: StripRow[];
  ticks: StripTick[];
  /** Outages the window shows: ones that ended within it or go on. */
  outages: number;
  /** The last of them goes on. */
  ongoing: boolean;
  /** The strip in one sentence: `Last 24 hours: 99.2 % connected, 2 outages`. */
  ariaLabel: string;
}

/** What {@link stripModel} draws from. */
export interface StripInput {
  /** From `timelineStrip(entries, nowMs, windowMs, baseline)`. */
  segments: readonly StripSegment[];
  /** Clock time, epoch ms: the right edge. */
  nowMs: number;
  /** Window length, ms. */
  windowMs: number;
  /** The uptime the stats show for the same window, so both read the same figure. */
  uptimeRatio: number | null;
  /** Every outage in the timeline (`findOutages`); the strip counts the ones it shows. */
  outages: readonly Outage[];
  /** The local time zone's offset from UTC at a time, ms, east positive. Default UTC. */
  offsetOf?: (atMs: number) => number;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// Round clock steps for ticks; the smallest giving at most MAX_TICKS (minor) or MAX_LABELS
// (labelled) marks is used: 24 h gets hourly ticks labelled every 6 h.
const STEPS_MS = [
  SECOND_MS,
  5 * SECOND_MS,
  10 * SECOND_MS,
  15 * SECOND_MS,
  30 * SECOND_MS,
  MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
];
const MAX_TICKS = 24;
const MAX_LABELS = 6;
// Labels nearer the edges than this (percent) would collide with `24 h ago` and `now`.
const LABEL_MARGIN_PERCENT = 12;

const TONES: Record<StripState, Tone> = {
  connected: 'ok',
  poor: 'warn',
  reconnecting: 'info',
  disconnected: 'bad',
  failed: 'bad',
  unknown: 'neutral',
};

const LOST: ReadonlySet<StripState> = new Set(['reconnecting', 'disconnected', 'failed']);

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function labelOf(segment: StripSegment): string {
  const first = segment.first;
  switch (segment.state) {
    case 'connected':
      return 'Connected';
    case 'poor':
      return 'Poor connection';
    case 'reconnecting':
      if (first?.kind === 'connecting' && first.reason === 'reconnect') {
        return 'Reconnect requested';
      }
      return first?.kind === 'connecting' ? 'Connecting' : 'Reconnecting';
    case 'disconnected':
      return 'Disconnected';
    case 'failed':
      return 'Failed';
    case 'unknown':
      return 'No data';
  }
}

function causeOf(segment: StripSegment): string {
  const first = segment.first;
  if (segment.state === 'unknown') return 'before this page was watching';
  if (segment.state === 'poor') return 'pongs late';
  if (first === undefined || !LOST.has(segment.state)) return '';
  if (first.reason === 'client') return 'closed by this page';
  const cause = describeCause(first);
  if (segment.state === 'failed' && first.reason === 'max-attempts') {
    return ['gave up after the last attempt', cause].filter((part) => part !== '').join(' · ');
  }
  return cause;
}

function tooltipOf(
  segment: StripSegment,
  isLast: boolean,
  nowMs: number,
  clock: (atMs: number) => string,
): string {
  const attempts =
    segment.attempts > 0 && LOST.has(segment.state)
      ? ` · ${plural(segment.attempts, 'attempt')}`
      : '';
  const to = isLast && segment.to >= nowMs ? 'now' : clock(segment.to);
  // A stretch cut by the window's left edge says when it really began.
  const from = Math.min(segment.from, segment.first?.at ?? segment.from);
  return [
    `${labelOf(segment)}${attempts}`,
    `${clock(from)} – ${to} · ${formatDuration(segment.to - from)}`,
    causeOf(segment),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function ticksFor(startMs: number, windowMs: number, offsetMs: number): StripTick[] {
  const pick = (most: number) =>
    STEPS_MS.find((step) => windowMs / step <= most) ?? STEPS_MS.at(-1)!;
  const step = pick(MAX_TICKS);
  const labelStep = pick(MAX_LABELS);
  const ticks: StripTick[] = [];
  // Marks sit on round local clock times (whole hours for a day), and drift left as time moves.
  const firstLocal = Math.ceil((startMs + offsetMs) / step) * step;
  for (let local = firstLocal; local - offsetMs < startMs + windowMs; local += step) {
    const leftPercent = ((local - offsetMs - startMs) / windowMs) * 100;
    if (leftPercent <= 0) continue;
    const labelled =
      local % labelStep === 0 &&
      leftPercent >= LABEL_MARGIN_PERCENT &&
      leftPercent <= 100 - LABEL_MARGIN_PERCENT;
    // `local` is the clock reading itself: formatted as UTC it reads the local time.
    const clock = formatClockTime(local);
    ticks.push({
      leftPercent,
      label: labelled ? (labelStep < MINUTE_MS ? clock : clock.slice(0, 5)) : '',
    });
  }
  return ticks;
}

/**
 * Turns the client's strip segments into what the page draws: each stretch's position and
 * width as percentages of the window, its colour and hover text, round-time ticks, the edge
 * labels and a one-sentence summary for screen readers. Pure.
 */
export function stripModel(input: StripInput): StripModel {
  const { segments, nowMs, windowMs } = input;
  const startMs = nowMs - windowMs;
  const offsetOf = input.offsetOf ?? (() => 0);
  const localDay = (atMs: number) => Math.floor((atMs + offsetOf(atMs)) / DAY_MS);
  // A day's window starts at the same clock time it ends: earlier days are named.
  const clock = (atMs: number) => {
    const daysAgo = localDay(nowMs) - localDay(atMs);
    const day = daysAgo === 0 ? '' : daysAgo === 1 ? 'yesterday ' : `${daysAgo} days ago `;
    return `${day}${formatClockTime(atMs, offsetOf(atMs))}`;
  };
  const rows = segments.map((segment, index) => ({
    state: segment.state,
    tone: TONES[segment.state],
    leftPercent: ((segment.from - startMs) / windowMs) * 100,
    widthPercent: ((segment.to - segment.from) / windowMs) * 100,
    label: labelOf(segment),
    tooltip: tooltipOf(segment, index === segments.length - 1, nowMs, clock),
  }));
  const shown = input.outages.filter((outage) => (outage.to ?? nowMs) > startMs);
  const outages = shown.length;
  const title = windowTitle(windowMs);
  return {
    windowMs,
    title,
    startLabel: `${formatSpan(windowMs)} ago`,
    endLabel: 'now',
    rows,
    ticks: ticksFor(startMs, windowMs, offsetOf(nowMs)),
    outages,
    ongoing: shown.length > 0 && shown.at(-1)!.to === undefined,
    ariaLabel:
      input.uptimeRatio === null
        ? `${title}: no data yet`
        : `${title}: ${formatPercent(input.uptimeRatio)} connected, ${plural(outages, 'outage')}`,
  };
}

/** Where one stretch is drawn, percent of the bar. */
export interface StripBox {
  leftPercent: number;
  widthPercent: number;
}

/**
 * Lays the stretches out for drawing: each at least `minWidthPercent` wide (2 px of the bar),
 * so a 3-second outage in a day stays visible. Laid from the right edge leftwards, a widened
 * stretch takes its room from the ones before it, never overlaps the ones after: the newest,
 * the state now, always ends at the right edge. Pure.
 */
export function layoutStrip(rows: readonly StripBox[], minWidthPercent: number): StripBox[] {
  const boxes: StripBox[] = new Array<StripBox>(rows.length);
  let limit = 100;
  for (let index = rows.length - 1; index >= 0; index--) {
    const row = rows[index]!;
    const right = Math.min(row.leftPercent + row.widthPercent, limit);
    const left = Math.max(0, Math.min(row.leftPercent, right - minWidthPercent));
    boxes[index] = { leftPercent: left, widthPercent: Math.max(0, right - left) };
    limit = left;
  }
  return boxes;
}
