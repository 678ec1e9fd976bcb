import type { BreachAlertMessage, ResumeMessage, ResumedMessage } from '../protocol/index.js';

/** Where an alert stream stands: the history epoch and the highest seq delivered in it. */
export interface StreamPosition {
  /** Server history epoch; undefined before the first `hello`. */
  epoch: string | undefined;
  /**
   * Highest seq delivered to the app in `epoch` (0 when none). Holes below it (see
   * {@link SequenceState.holes}) are not part of a position: a client started from a persisted
   * one does not ask for them again.
   */
  lastSeq: number;
}

/** Resume and acknowledgement behaviour. */
export interface ResumeOptions {
  /** Send `{type:"resume"}` after every `hello`. Default true. */
  enabled: boolean;
  /**
   * Acknowledge delivered alerts with cumulative `{type:"ack", seq}` frames (every alert up to
   * `seq`), coalesced: the first alert after a quiet spell is acked at once, later ones at most
   * every `ackIntervalMs` or every `ackEvery` alerts. Default true.
   */
  ack: boolean;
  /** Shortest time between two coalesced acks, ms. Default 250. */
  ackIntervalMs: number;
  /** An ack goes out at once when this many alerts are owed, whatever the interval. Default 100. */
  ackEvery: number;
  /** Position to start from, e.g. one persisted by the app. Default: nothing seen yet. */
  from: StreamPosition;
}

/** Defaults: resume and ack on (an ack at most every 250 ms or 100 alerts), from nothing. */
export const DEFAULT_RESUME: Readonly<ResumeOptions> = {
  enabled: true,
  ack: true,
  ackIntervalMs: 250,
  ackEvery: 100,
  from: { epoch: undefined, lastSeq: 0 },
};

/** Sequence bookkeeping for one client across connections. */
export interface SequenceState extends StreamPosition {
  /** Alerts missed already reported since the last resume was sent (avoids double counting). */
  missedSinceResume: number;
  /**
   * Seqs below lastSeq never delivered in this epoch (what seq jumps skipped), as inclusive
   * ranges, oldest first: an alert that fills one later is delivered, and a resume asks for
   * everything after the first hole. At most {@link MAX_HOLES} ranges are kept.
   */
  holes: ReadonlyArray<readonly [from: number, to: number]>;
  /**
   * Seqs at or below lastSeq that the last resume asked for again (from before the first hole):
   * each was delivered or already reported missing, so a gap the server reports there is not
   * news.
   */
  reasked: number;
}

/**
 * Ranges of missing seqs remembered; beyond, the oldest are given up on (their alerts stay
 * reported as missed, and one arriving later is taken for a duplicate).
 */
export const MAX_HOLES = 32;

/** Starting bookkeeping at `from`. */
export function createSequenceState(from: StreamPosition): SequenceState {
  return { epoch: from.epoch, lastSeq: from.lastSeq, missedSinceResume: 0, holes: [], reasked: 0 };
}

/** Where a resume starts: before the first hole, else the highest seq delivered. */
export function resumePoint(state: SequenceState): number {
  const first = state.holes[0];
  return first === undefined ? state.lastSeq : first[0] - 1;
}

/** A lost stretch of alerts or history, as reported to the app. */
export type StreamGap =
  | {
      /** An alert arrived with seq > lastSeq + 1. */
      kind: 'seq-jump';
      /** Alerts between the two that were never received. */
      missed: number;
      /** Highest seq delivered before the jump. */
      afterSeq: number;
      /** Seq of the alert that revealed the jump. */
      seq: number;
      epoch: string | undefined;
    }
  | {
      /** The server's `resumed` reported a gap its history could not fill. */
      kind: 'resume-gap';
      /** Alerts missed beyond those already reported as seq jumps. */
      missed: number;
      /** Highest seq delivered when the report arrived. */
      lastSeq: number;
      epoch: string | undefined;
    }
  | {
      /** `hello.epoch` differs from the known epoch: the server lost its history. */
      kind: 'history-reset';
      previousEpoch: string;
      epoch: string;
      /** Last seq delivered in the previous epoch; how many followed it is unknowable. */
      lastSeq: number;
    };

/** Result of a `hello`: the resume to send and a history reset to report, if any. */
export interface HelloOutcome {
  state: SequenceState;
  resume: ResumeMessage;
  reset: StreamGap | undefined;
}

/**
 * Applies `hello.epoch`. A first hello adopts the epoch (resume from lastSeq, 0 when new); a
 * different epoch means the server's durable history was lost, so seqs restart: report a
 * history reset and resume from 0 in the new epoch.
 */
export function applyHello(state: SequenceState, epoch: string): HelloOutcome {
  if (state.epoch !== undefined && state.epoch !== epoch) {
    const reset: StreamGap = {
      kind: 'history-reset',
      previousEpoch: state.epoch,
      epoch,
      lastSeq: state.lastSeq,
    };
    return {
      state: { epoch, lastSeq: 0, missedSinceResume: 0, holes: [], reasked: 0 },
      resume: { type: 'resume', lastSeq: 0, epoch },
      reset,
    };
  }
  const from = resumePoint(state);
  return {
    state: { ...state, epoch, missedSinceResume: 0, reasked: state.lastSeq - from },
    resume: { type: 'resume', lastSeq: from, epoch },
    reset: undefined,
  };
}

/** Result of one alert: deliver it or drop it as a duplicate, and any jump it revealed. */
export interface AlertOutcome {
  state: SequenceState;
  duplicate: boolean;
  gap: StreamGap | undefined;
}

/**
 * Dedupes by seq (anything ≤ lastSeq was delivered already, unless it fills a hole a jump left)
 * and detects seq jumps.
 */
export function applyAlert(state: SequenceState, alert: BreachAlertMessage): AlertOutcome {
  const seq = alert.seq;
  if (seq <= state.lastSeq) {
    const holes = fill(state.holes, seq);
    if (holes === undefined) return { state, duplicate: true, gap: undefined };
    // A late alert (a replay that came after live ones): delivered, the hole closes.
    return { state: { ...state, holes }, duplicate: false, gap: undefined };
  }
  const missed = seq - state.lastSeq - 1;
  const next = {
    ...state,
    lastSeq: seq,
    missedSinceResume: state.missedSinceResume + missed,
    holes:
      missed > 0
        ? [...state.holes, [state.lastSeq + 1, seq - 1] as const].slice(-MAX_HOLES)
        : state.holes,
  };
  const gap: StreamGap | undefined =
    missed > 0
      ? { kind: 'seq-jump', missed, afterSeq: state.lastSeq, seq, epoch: state.epoch }
      : undefined;
  return { state: next, duplicate: false, gap };
}

// The holes without `seq`, or undefined when no hole holds it.
function fill(holes: SequenceState['holes'], seq: number): SequenceState['holes'] | undefined {
  const i = holes.findIndex(([from, to]) => from <= seq && seq <= to);
  if (i < 0) return undefined;
  const [from, to] = holes[i]!;
  const rest: Array<readonly [number, number]> = [];
  if (from < seq) rest.push([from, seq - 1]);
  if (seq < to) rest.push([seq + 1, to]);
  return [...holes.slice(0, i), ...rest, ...holes.slice(i + 1)];
}

/**
 * Applies the server's end-of-replay report. Alerts the replay already revealed as seq jumps are
 * not counted twice: only `missed` beyond them is reported.
 */
export function applyResumed(
  state: SequenceState,
  resumed: ResumedMessage,
): { state: SequenceState; gap: StreamGap | undefined } {
  // Of the seqs the server no longer holds, those the resume asked for again were delivered or
  // reported already, and the replay revealed some of the rest as seq jumps.
  const extra = resumed.gap
    ? Math.max(0, resumed.missed - state.reasked) - state.missedSinceResume
    : 0;
  // The replay came first: a hole it did not fill, the server no longer holds.
  const next = { ...state, missedSinceResume: 0, holes: [], reasked: 0 };
  if (extra <= 0) return { state: next, gap: undefined };
  return {
    state: next,
    gap: { kind: 'resume-gap', missed: extra, lastSeq: state.lastSeq, epoch: state.epoch },
  };
}
