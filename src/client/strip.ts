import type { TimelineEntry } from './timeline.js';

/** What one stretch of the strip shows. `unknown`: before the client's first entry. */
export type StripState =
  'connected' | 'poor' | 'reconnecting' | 'disconnected' | 'failed' | 'unknown';

/** One stretch of time in one state, clipped to the window. */
export interface StripSegment {
  state: StripState;
  /** Start, epoch ms (≥ the window's start). */
  from: number;
  /** End, epoch ms (≤ now). */
  to: number;
  /** The entry that began the stretch; undefined for `unknown` or a stretch begun before it. */
  first: TimelineEntry | undefined;
  /** Highest retry number seen in the stretch (reconnecting / failed), else 0. */
  attempts: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function stateOf(entry: TimelineEntry, current: StripState): StripState {
  switch (entry.kind) {
    case 'connected':
      return 'connected';
    case 'good':
      return current === 'poor' ? 'connected' : current;
    case 'poor':
      return current === 'connected' ? 'poor' : current;
    case 'connecting':
    case 'reconnecting':
      return 'reconnecting';
    case 'disconnected':
      return 'disconnected';
    case 'failed':
      return 'failed';
  }
}

/**
 * Cuts the window `[nowMs - windowMs, nowMs]` into stretches of one state each, oldest first,
 * adjacent stretches of the same state merged: the picture a 24-hour health strip draws.
 * `baseline` is the timeline's last dropped state entry (`Client.timeline()` keeps entries
 * from the window; an older one tells the state the window began in). Pure.
 */
export function timelineStrip(
  entries: readonly TimelineEntry[],
  nowMs: number,
  windowMs: number = DAY_MS,
  baseline?: TimelineEntry,
): StripSegment[] {
  const start = nowMs - windowMs;
  const segments: StripSegment[] = [];
  let state: StripState = baseline === undefined ? 'unknown' : stateOf(baseline, 'unknown');
  let from = start;
  let first: TimelineEntry | undefined;
  let attempts = 0;
  const close = (to: number): void => {
    const clippedFrom = Math.max(from, start);
    const clippedTo = Math.min(to, nowMs);
    if (clippedTo <= clippedFrom) return;
    const last = segments.at(-1);
    if (last !== undefined && last.state === state && last.to === clippedFrom) {
      last.to = clippedTo;
      last.attempts = Math.max(last.attempts, attempts);
      return;
    }
    segments.push({ state, from: clippedFrom, to: clippedTo, first, attempts });
  };
  for (const entry of entries) {
    if (entry.at > nowMs) break;
    const next = stateOf(entry, state);
    if (next === state) {
      if (entry.attempt !== undefined && next !== 'connected') {
        attempts = Math.max(attempts, entry.attempt);
      }
      continue;
    }
    close(entry.at);
    state = next;
    from = entry.at;
    first = entry;
    attempts = next === 'connected' || next === 'poor' ? 0 : (entry.attempt ?? 0);
  }
  close(nowMs);
  return segments;
}
