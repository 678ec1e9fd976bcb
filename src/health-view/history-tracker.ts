import { CLIENT_STATES, type TimelineEntry } from '../client/index.js';
import { isListed } from './timeline-model.js';

/** What the page remembers of the client's timeline between renders. */
export interface HistoryState {
  /** The entries seen at the last render, oldest first. */
  entries: readonly TimelineEntry[];
  /**
   * The latest state entry the client has dropped (aged out after 24 h, or past its count
   * bound): the state a window reaching past the oldest kept entry began in.
   */
  baseline: TimelineEntry | undefined;
  /** Entries with a row of their own in the event list that the client has dropped. */
  dropped: number;
}

/** Nothing seen yet. */
export const EMPTY_HISTORY: HistoryState = { entries: [], baseline: undefined, dropped: 0 };

const STATE_KINDS: ReadonlySet<string> = new Set(CLIENT_STATES);

function sameEntry(a: TimelineEntry, b: TimelineEntry): boolean {
  return (
    a === b ||
    (a.at === b.at && a.kind === b.kind && a.reason === b.reason && a.attempt === b.attempt)
  );
}

/**
 * Compares the client's timeline now with the one seen before and notes what fell off its
 * front: the page's own record of the baseline (so a strip over 24 h does not turn grey once
 * the entry that began its first stretch ages out) and of how many listed events are truly
 * gone. Pure.
 */
export function trackHistory(
  previous: HistoryState,
  entries: readonly TimelineEntry[],
): HistoryState {
  const first = entries[0];
  // The client's log only ever drops from the front: what came before `first` is gone.
  let cut =
    first === undefined
      ? previous.entries.length
      : previous.entries.findIndex((entry) => sameEntry(entry, first));
  if (cut < 0) cut = previous.entries.length;
  let { baseline, dropped } = previous;
  for (const entry of previous.entries.slice(0, cut)) {
    if (STATE_KINDS.has(entry.kind)) baseline = entry;
    if (isListed(entry)) dropped += 1;
  }
  return { entries, baseline, dropped };
}
