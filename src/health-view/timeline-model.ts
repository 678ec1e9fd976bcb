import type { TimelineEntry } from '../client/index.js';
import type { Tone } from './badge.js';
import { describeCause } from './entry-cause.js';
import { formatDuration, formatRelativeTime } from './format.js';
import { findOutages, type Outage } from './outages.js';

/** The timeline's categories, each with its own colour, icon shape and word. */
export type TimelineCategory = 'connected' | 'disconnected' | 'poor' | 'reconnecting' | 'failed';

/** One row of the rendered timeline. */
export interface TimelineRow {
  /** Stable key: the entry's time and position. */
  key: string;
  /** Clock time, epoch ms. */
  at: number;
  category: TimelineCategory;
  tone: Tone;
  icon: string;
  label: string;
  detail: string;
  /** `2 minutes ago`. */
  relative: string;
}

/** The rendered timeline: rows oldest first (the latest at the bottom) and what was left out. */
export interface TimelineModel {
  rows: TimelineRow[];
  /** Rows older than the ones shown (0 unless `maxRows` cut some). */
  hidden: number;
  /**
   * Outages in the rows ({@link findOutages}): every connection lost, whether it came back or
   * not yet (so the header never says "0 outages" while the badge says Reconnecting).
   */
  outages: number;
  /** The last outage is still going on. */
  ongoing: boolean;
}

const LOOK: Record<TimelineCategory, { tone: Tone; icon: string }> = {
  connected: { tone: 'ok', icon: '●' },
  poor: { tone: 'warn', icon: '▲' },
  reconnecting: { tone: 'info', icon: '↻' },
  disconnected: { tone: 'bad', icon: '■' },
  failed: { tone: 'bad', icon: '✕' },
};

function backAfter(outage: Outage | undefined): string {
  return outage?.to === undefined
    ? ''
    : `back after an outage of ${formatDuration(outage.to - outage.from)}`;
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(' · ');
}

/**
 * Whether an entry gets a row of its own: every entry but a retry merely starting its attempt
 * (`connecting` after a backoff), which folds into the `reconnecting` row before it.
 */
export function isListed(entry: TimelineEntry): boolean {
  return entry.kind !== 'connecting' || entry.reason !== 'retry';
}

/**
 * Turns the client's timeline into rows for people, oldest first: all of them unless `maxRows`
 * (default no limit: the client's timeline is bounded already, and the page's list scrolls)
 * keeps only the latest. Retries that merely start an attempt are folded into the
 * `reconnecting` row before them (see {@link isListed}); a `connected` row after a loss says how
 * long the outage lasted. Pure: the same entries and `nowMs` give the same rows.
 */
export function timelineModel(
  entries: readonly TimelineEntry[],
  nowMs: number,
  maxRows = Number.POSITIVE_INFINITY,
): TimelineModel {
  const rows: TimelineRow[] = [];
  const outages = findOutages(entries);
  const endedAt = new Map(outages.map((outage) => [outage.endIndex, outage]));
  entries.forEach((entry, index) => {
    let category: TimelineCategory | undefined;
    let label = '';
    let detail = '';
    switch (entry.kind) {
      case 'connected':
        category = 'connected';
        label = 'Connected';
        detail = backAfter(endedAt.get(index));
        break;
      case 'good':
        category = 'connected';
        label = 'Connection quality recovered';
        break;
      case 'poor':
        category = 'poor';
        label = 'Poor connection';
        detail = 'pongs late';
        break;
      case 'connecting':
        // The first attempt or one the user asked for; retries are the reconnecting rows.
        if (!isListed(entry)) return;
        category = 'reconnecting';
        label = entry.reason === 'reconnect' ? 'Reconnect requested' : 'Connecting';
        break;
      case 'reconnecting':
        category = 'reconnecting';
        label = `Reconnecting (attempt ${entry.attempt ?? 1})`;
        detail = join(
          describeCause(entry),
          entry.delayMs === undefined ? '' : `retry in ${formatDuration(entry.delayMs)}`,
        );
        break;
      case 'disconnected':
        category = 'disconnected';
        label = 'Disconnected';
        detail = entry.reason === 'client' ? 'closed by this page' : describeCause(entry);
        break;
      case 'failed':
        category = 'failed';
        label = 'Failed';
        detail = join(
          entry.reason === 'max-attempts' ? 'gave up after the last attempt' : '',
          describeCause(entry),
        );
        break;
    }
    if (category === undefined) return;
    rows.push({
      key: `${entry.at}-${index}`,
      at: entry.at,
      category,
      ...LOOK[category],
      label,
      detail,
      relative: formatRelativeTime(entry.at, nowMs),
    });
  });
  const hidden = Math.max(0, rows.length - maxRows);
  const last = outages.at(-1);
  return {
    rows: hidden > 0 ? rows.slice(hidden) : rows,
    hidden,
    outages: outages.length,
    ongoing: last !== undefined && last.to === undefined,
  };
}
