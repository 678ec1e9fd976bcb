import type { TimelineEntry } from '../client/index.js';
import type { Tone } from './badge.js';
import { describeCloseCode, formatDuration, formatRelativeTime } from './format.js';

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
  /** Rows older than the ones shown. */
  hidden: number;
  /**
   * Outages in the rows: every connection lost, whether it came back or not yet (so the header
   * never says "0 outages" while the badge says Reconnecting).
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

function cause(entry: TimelineEntry): string {
  if (entry.reason === 'heartbeat-timeout') return 'heartbeat timeout';
  if (entry.reason === 'connect-timeout') return 'attempt timed out';
  if (entry.reason === 'offline') return 'device offline';
  if (entry.reason === 'rate-limited') return 'rate limited';
  if (entry.httpStatus !== undefined) return `refused with HTTP ${entry.httpStatus}`;
  if (entry.closeCode !== undefined) return describeCloseCode(entry.closeCode);
  return '';
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(' · ');
}

/**
 * Turns the client's timeline into rows for people, oldest first, at most `maxRows` (the
 * latest). Retries that merely start an attempt (`connecting` after a backoff) are folded into
 * the `reconnecting` row before them; a `connected` row after a loss says how long the outage
 * lasted. Pure: the same entries and `nowMs` give the same rows.
 */
export function timelineModel(
  entries: readonly TimelineEntry[],
  nowMs: number,
  maxRows = 200,
): TimelineModel {
  const rows: TimelineRow[] = [];
  let lostAt: number | undefined;
  let outages = 0;
  let wasConnected = false;
  entries.forEach((entry, index) => {
    let category: TimelineCategory | undefined;
    let label = '';
    let detail = '';
    switch (entry.kind) {
      case 'connected':
        category = 'connected';
        label = 'Connected';
        if (lostAt !== undefined) {
          outages++;
          detail = `back after an outage of ${formatDuration(entry.at - lostAt)}`;
          lostAt = undefined;
        }
        wasConnected = true;
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
        if (entry.reason === 'retry') return;
        // reconnect() by the user is not a lost connection (as in the client's stats).
        wasConnected = false;
        category = 'reconnecting';
        label = entry.reason === 'reconnect' ? 'Reconnect requested' : 'Connecting';
        break;
      case 'reconnecting':
        category = 'reconnecting';
        label = `Reconnecting (attempt ${entry.attempt ?? 1})`;
        detail = join(
          cause(entry),
          entry.delayMs === undefined ? '' : `retry in ${formatDuration(entry.delayMs)}`,
        );
        if (wasConnected) {
          lostAt ??= entry.at;
          wasConnected = false;
        }
        break;
      case 'disconnected':
        category = 'disconnected';
        label = 'Disconnected';
        detail = entry.reason === 'client' ? 'closed by this page' : cause(entry);
        if (entry.reason === 'client' || entry.reason === 'disposed') lostAt = undefined;
        else if (wasConnected) lostAt ??= entry.at;
        wasConnected = false;
        break;
      case 'failed':
        category = 'failed';
        label = 'Failed';
        detail = join(
          entry.reason === 'max-attempts' ? 'gave up after the last attempt' : '',
          cause(entry),
        );
        if (wasConnected) lostAt ??= entry.at;
        wasConnected = false;
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
  const ongoing = lostAt !== undefined;
  return {
    rows: hidden > 0 ? rows.slice(hidden) : rows,
    hidden,
    outages: outages + (ongoing ? 1 : 0),
    ongoing,
  };
}
