import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/client/index.js';
import { EMPTY_HISTORY, trackHistory } from '../../src/health-view/history-tracker.js';

const T0 = Date.UTC(2025, 0, 1, 12);
const S = 1000;

const ENTRIES: TimelineEntry[] = [
  { at: T0, kind: 'connecting', reason: 'connect', attempt: 0 },
  { at: T0 + S, kind: 'connected', reason: 'open', attempt: 0 },
  { at: T0 + 2 * S, kind: 'poor' },
  { at: T0 + 3 * S, kind: 'reconnecting', reason: 'close', attempt: 1, closeCode: 1006 },
  { at: T0 + 4 * S, kind: 'connecting', reason: 'retry', attempt: 1 },
  { at: T0 + 5 * S, kind: 'connected', reason: 'open', attempt: 1 },
];

describe('trackHistory', () => {
  it('notes nothing while the client drops nothing', () => {
    let history = trackHistory(EMPTY_HISTORY, ENTRIES.slice(0, 3));
    history = trackHistory(history, ENTRIES);
    expect(history).toEqual({ entries: ENTRIES, baseline: undefined, dropped: 0 });
  });

  it('keeps the latest dropped state entry as the baseline and counts dropped listed events', () => {
    let history = trackHistory(EMPTY_HISTORY, ENTRIES);
    // The client aged out the first three: the last state among them was `connected` (the
    // `poor` after it is a quality entry, not a state).
    history = trackHistory(history, ENTRIES.slice(3));
    expect(history.baseline).toBe(ENTRIES[1]);
    expect(history.dropped).toBe(3);
    // Then the next two, one of them a retry that never had a row of its own.
    history = trackHistory(history, ENTRIES.slice(5));
    expect(history.baseline).toBe(ENTRIES[4]);
    expect(history.dropped).toBe(4);
  });

  it('recognises kept entries by value when the client hands out copies', () => {
    const history = trackHistory(
      trackHistory(EMPTY_HISTORY, ENTRIES),
      ENTRIES.slice(2).map((entry) => ({ ...entry })),
    );
    expect(history.dropped).toBe(2);
    expect(history.baseline).toBe(ENTRIES[1]);
  });
});
