/**
 * The client's timeline in words: recent events for the health monitor and the hover text of
 * the 24 h strip. Pure: the same entries give the same text.
 */
import type { StripSegment, StripState, TimelineEntry } from '../client/index.js';
import { describeCloseCode, formatClockTime, formatDuration, plural } from './format.js';

/** One row of the recent-events list. */
export interface RecentEvent {
  /** Stable key: the entry's time and position in the timeline. */
  key: string;
  /** Clock time, epoch ms. */
  at: number;
  /** Colour family (the strip's states). */
  tone: Exclude<StripState, 'unknown'>;
  /** What happened: `Connection lost`, `Attempt failed`, `Connected`… */
  label: string;
  /** Why and what next: `server restarting (1012) · retry 1 in 1.0 s`; may be ''. */
  detail: string;
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' · ');
}

/**
 * Why a state change happened, in a few words (`heartbeat timeout`, `server restarting
 * (1012)`, `refused with HTTP 429`), or '' when the reason says nothing a user needs.
 */
export function describeCause(
  entry: Pick<TimelineEntry, 'reason' | 'closeCode' | 'httpStatus'>,
): string {
  switch (entry.reason) {
    case 'heartbeat-timeout':
      return 'heartbeat timeout';
    case 'connect-timeout':
      return 'attempt timed out';
    case 'offline':
      return 'device offline';
    case 'online':
      return 'device back online';
    case 'rate-limited':
      return 'rate limited by the server';
    case 'forbidden':
      return 'forbidden by the server';
    case 'auth':
      return 'token refused';
    case 'token-error':
      return 'no token';
    case 'max-attempts':
      return 'retry budget spent';
    case 'client':
      return 'closed by this page';
    case 'reconnect':
      return 'reconnect requested';
    default:
      if (entry.httpStatus !== undefined) return `refused with HTTP ${entry.httpStatus}`;
      if (entry.closeCode !== undefined) return describeCloseCode(entry.closeCode);
      return '';
  }
}

function describeEntry(
  entry: TimelineEntry,
  wasConnected: boolean,
): Omit<RecentEvent, 'key' | 'at'> | undefined {
  const attempt = entry.attempt ?? 0;
  switch (entry.kind) {
    case 'connecting':
      // A retry starting is already announced by the `reconnecting` row before it.
      if (entry.reason === 'retry') return undefined;
      return {
        tone: 'reconnecting',
        label: entry.reason === 'reconnect' ? 'Reconnecting now' : 'Connecting',
        detail: entry.reason === 'connect' ? '' : describeCause(entry),
      };
    case 'connected':
      return {
        tone: 'connected',
        label: 'Connected',
        detail: attempt > 0 ? `on attempt ${attempt}` : '',
      };
    case 'reconnecting':
      return {
        tone: 'reconnecting',
        label: wasConnected ? 'Connection lost' : 'Attempt failed',
        detail: join(
          describeCause(entry),
          entry.delayMs === undefined ? '' : `retry ${attempt} in ${formatDuration(entry.delayMs)}`,
        ),
      };
    case 'disconnected':
      if (entry.reason === 'initial') return undefined;
      return {
        tone: 'disconnected',
        label: wasConnected && entry.reason !== 'client' ? 'Connection lost' : 'Disconnected',
        detail: describeCause(entry),
      };
    case 'failed':
      return {
        tone: 'failed',
        label: 'Gave up',
        detail:
          entry.reason === 'max-attempts'
            ? `after ${plural(attempt, 'attempt')}`
            : describeCause(entry),
      };
    case 'poor':
      return { tone: 'poor', label: 'Link poor', detail: 'pongs are late' };
    case 'good':
      return { tone: 'connected', label: 'Link good again', detail: '' };
  }
}

/**
 * The last `count` events of a timeline (oldest first) in words, newest first. Retries that
 * merely start an attempt are folded into the `reconnecting` row before them, and a loss reads
 * `Connection lost` when the connection was up, `Attempt failed` while retrying.
 */
export function recentEvents(entries: readonly TimelineEntry[], count = 10): RecentEvent[] {
  const rows: RecentEvent[] = [];
  let connected = false;
  entries.forEach((entry, index) => {
    const row = describeEntry(entry, connected);
    if (row !== undefined) rows.push({ key: `${entry.at}:${index}`, at: entry.at, ...row });
    if (entry.kind !== 'poor' && entry.kind !== 'good') connected = entry.kind === 'connected';
  });
  return rows.slice(-count).reverse();
}

/** Words for each strip state. */
export const STRIP_STATE_WORDS: Readonly<Record<StripState, string>> = {
  connected: 'Connected',
  poor: 'Poor link',
  reconnecting: 'Reconnecting',
  disconnected: 'Disconnected',
  failed: 'Failed',
  unknown: 'No data',
};

/**
 * Hover text of one strip segment: state, from–to (local clock), duration, attempts and
 * cause, e.g. `Reconnecting · 14:02:10–14:02:13 (3.0 s) · 2 attempts · connection lost (1006)`.
 * A segment reaching `nowMs` ends `–now`.
 */
export function describeSegment(segment: StripSegment, nowMs: number): string {
  const { state, from, to, first, attempts } = segment;
  const word =
    state === 'reconnecting' && first?.kind === 'connecting' && first.reason === 'connect'
      ? 'Connecting'
      : STRIP_STATE_WORDS[state];
  const span = `${formatClockTime(from)}–${to >= nowMs ? 'now' : formatClockTime(to)}`;
  return join(
    word,
    `${span} (${formatDuration(to - from)})`,
    (state === 'reconnecting' || state === 'failed') && attempts > 0
      ? plural(attempts, 'attempt')
      : '',
    first === undefined ? '' : describeCause(first),
  );
}
