// Coalescing of cumulative acknowledgements: what to send, and when.
import { resumePoint, type SequenceState } from './resume.js';

/** How acks are coalesced on one connection. */
export interface AckState {
  /** Highest seq acknowledged on this connection (0: none yet). */
  readonly sentSeq: number;
  /** Alerts delivered to the app since the last ack was sent. */
  readonly owed: number;
  /** True while an ack went out less than `ackIntervalMs` ago: later ones wait for the timer. */
  readonly windowOpen: boolean;
}

/** Nothing acknowledged on a fresh connection. */
export const FRESH_ACK: AckState = { sentSeq: 0, owed: 0, windowOpen: false };

/** What to do after an alert reached the app. */
export type AckDecision = { send: number; state: AckState } | { send: undefined; state: AckState };

/**
 * The cumulative point an ack may claim: every seq up to it was delivered or given up on (the
 * first hole a seq jump left stops it; a replay fills the hole later).
 */
export function ackPoint(sequence: SequenceState): number {
  return resumePoint(sequence);
}

/**
 * An alert was delivered to the app. Sends at once when no ack went out in the last
 * `ackIntervalMs` (a quiet user's alert is acked immediately, so the server times it exactly)
 * or when `ackEvery` alerts are owed (a catch-up of hundreds sends one ack per `ackEvery`);
 * otherwise the ack waits for the window to close.
 */
export function afterAlert(ack: AckState, sequence: SequenceState, ackEvery: number): AckDecision {
  const owed = ack.owed + 1;
  if (!ack.windowOpen || owed >= ackEvery) return flush({ ...ack, owed }, sequence);
  return { send: undefined, state: { sentSeq: ack.sentSeq, owed, windowOpen: true } };
}

/**
 * Sends what is owed, if the cumulative point moved: at the end of a window, at the end of a
 * replay, or from {@link afterAlert}. A point held back by a hole sends nothing; the alert that
 * fills it, or the end of the replay, sends it.
 */
export function flush(ack: AckState, sequence: SequenceState): AckDecision {
  const point = ackPoint(sequence);
  if (point <= ack.sentSeq || ack.owed === 0) {
    // Nothing to claim yet; what is owed stays owed until a replay moves the point.
    return { send: undefined, state: { sentSeq: ack.sentSeq, owed: ack.owed, windowOpen: false } };
  }
  return { send: point, state: { sentSeq: point, owed: 0, windowOpen: true } };
}
