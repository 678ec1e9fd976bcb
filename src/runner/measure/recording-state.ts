// A finished recording as plain data, and how the recordings of a fleet split over threads (a
// sharded simulation: each thread follows its own clients) merge into one: counts add, trends
// merge, and events interleave by time, ties in the order the parts are given.
import type { ClientStateName } from '../../client/index.js';
import type { HistogramState } from './histogram-series.js';
import type { PublishedState } from './published.js';
import type { SampleState } from './series.js';

/** A recording's trend, as plain data. */
export type TrendState = SampleState | HistogramState;

/** One client as the recorder followed it (the recorder's own track, cloneable). */
export interface TrackState {
  index: number;
  userId: string;
  state: ClientStateName;
  poor: boolean;
  since: number | undefined;
  lostAt: number | undefined;
  backlogSince: number | undefined;
  downSince: number | undefined;
  delivered: Map<string, number>;
  everConnected: boolean;
  transport: 'websocket' | 'polling' | undefined;
}

/** Why a connection was lost: the client's reason, and the close code when one came. */
export interface DisconnectionCause {
  readonly reason: string;
  readonly closeCode: number | undefined;
}

// One frozen object per distinct cause, so a list of millions of causes holds pointers only.
const CAUSES = new Map<string, Map<number | undefined, DisconnectionCause>>();

/** The shared {@link DisconnectionCause} for `reason` and `closeCode`. */
export function causeOf(reason: string, closeCode: number | undefined): DisconnectionCause {
  let byCode = CAUSES.get(reason);
  if (byCode === undefined) {
    byCode = new Map<number | undefined, DisconnectionCause>();
    CAUSES.set(reason, byCode);
  }
  let cause = byCode.get(closeCode);
  if (cause === undefined) byCode.set(closeCode, (cause = Object.freeze({ reason, closeCode })));
  return cause;
}

/** Everything a finished {@link FleetRecorder} holds about its clients, as plain data. */
export interface RecordingState {
  tracks: TrackState[];
  published: PublishedState;
  trends: TrendState[];
  /** When each reconnect episode began, and how it ended (parallel lists). */
  episodes: number[];
  episodeOutcomes: Array<'recovered' | 'failed' | 'unfinished'>;
  disconnections: number[];
  disconnectionCauses: DisconnectionCause[];
  /** When each connection attempt ended, and whether it opened (parallel lists). */
  attempts: number[];
  attemptsOpened: boolean[];
  heartbeatTimeouts: number[];
  poorTransitions: number[];
  /** The backoff schedule kept, and when its first delay was drawn (undefined: none). */
  backoffSchedule: { at: number | undefined; entries: Array<{ attempt: number; delayMs: number }> };
  opens: number[];
  missed: Array<{ at: number; value: number }>;
  duplicates: number[];
  deliveries: number[];
  plannedDisconnections: number[];
  policyCloses: number[];
  historyResets: number[];
  fallbacks: number[];
  connectedMs: { steady: number; fault: number };
  observedMs: { steady: number; fault: number };
  epochs: string[];
  foreignDeliveries: number;
  /** When the warm-up's connections opened. */
  warmupOpens: number[];
}

/**
 * The items of every part in one array ordered by `at`, items of equal times in the order of
 * their parts and, within a part, as they were.
 */
export function mergeByTime<T>(parts: readonly (readonly T[])[], at: (item: T) => number): T[] {
  const all: T[] = [];
  for (const part of parts) for (const item of part) all.push(item);
  // Array.prototype.sort is stable: equal times keep the order built above.
  return all.sort((a, b) => at(a) - at(b));
}

/** Times of every part, ascending. */
export function mergeTimes(parts: readonly (readonly number[])[]): number[] {
  return mergeByTime(parts, (t) => t);
}

/**
 * Two parallel lists merged by the first one's times, pairs kept together (disconnections and
 * their causes, episodes and their outcomes, attempts and whether they opened).
 */
export function mergePairedByTime<T>(
  parts: ReadonlyArray<{ times: readonly number[]; items: readonly T[] }>,
): { times: number[]; items: T[] } {
  const pairs = mergeByTime(
    parts.map(({ times, items }) => times.map((at, i) => ({ at, item: items[i]! }))),
    (p) => p.at,
  );
  return { times: pairs.map((p) => p.at), items: pairs.map((p) => p.item) };
}

/** Empties `target` and fills it with `source` (arrays too long to spread into a call). */
export function replaceContents<T>(target: T[], source: readonly T[]): void {
  target.length = 0;
  for (const item of source) target.push(item);
}

/** The recorder's lists of events by time, which {@link mergeRecordingEvents} interleaves. */
export const EVENT_LISTS = [
  'episodes',
  'episodeOutcomes',
  'disconnections',
  'disconnectionCauses',
  'attempts',
  'attemptsOpened',
  'missed',
  'heartbeatTimeouts',
  'poorTransitions',
  'opens',
  'duplicates',
  'deliveries',
  'plannedDisconnections',
  'policyCloses',
  'historyResets',
  'fallbacks',
] as const satisfies ReadonlyArray<keyof RecordingState>;

/** What {@link mergeRecordingEvents} gives: everything but the clients, alerts and trends. */
export type MergedEvents = Omit<RecordingState, 'tracks' | 'published' | 'trends'>;

/**
 * The events and totals of a fleet's recordings (`all`, the first one's ties first) as one
 * recording's: lists interleaved by time, times and counts added, the backoff schedule of the
 * first client of the whole fleet that had to reconnect.
 */
export function mergeRecordingEvents(all: readonly RecordingState[]): MergedEvents {
  const disconnections = mergePairedByTime(
    all.map((p) => ({ times: p.disconnections, items: p.disconnectionCauses })),
  );
  const episodes = mergePairedByTime(
    all.map((p) => ({ times: p.episodes, items: p.episodeOutcomes })),
  );
  const attempts = mergePairedByTime(
    all.map((p) => ({ times: p.attempts, items: p.attemptsOpened })),
  );
  const times = (pick: (p: RecordingState) => readonly number[]) => mergeTimes(all.map(pick));
  const sum = (pick: (p: RecordingState) => { steady: number; fault: number }) => ({
    steady: all.reduce((n, p) => n + pick(p).steady, 0),
    fault: all.reduce((n, p) => n + pick(p).fault, 0),
  });
  const first = all
    .filter((p) => p.backoffSchedule.at !== undefined)
    .reduce<RecordingState | undefined>(
      (best, p) =>
        best === undefined || p.backoffSchedule.at! < best.backoffSchedule.at! ? p : best,
      undefined,
    );
  return {
    episodes: episodes.times,
    episodeOutcomes: episodes.items,
    disconnections: disconnections.times,
    disconnectionCauses: disconnections.items,
    attempts: attempts.times,
    attemptsOpened: attempts.items,
    missed: mergeByTime(
      all.map((p) => p.missed),
      (m) => m.at,
    ),
    heartbeatTimeouts: times((p) => p.heartbeatTimeouts),
    poorTransitions: times((p) => p.poorTransitions),
    opens: times((p) => p.opens),
    duplicates: times((p) => p.duplicates),
    deliveries: times((p) => p.deliveries),
    plannedDisconnections: times((p) => p.plannedDisconnections),
    policyCloses: times((p) => p.policyCloses),
    historyResets: times((p) => p.historyResets),
    fallbacks: times((p) => p.fallbacks),
    backoffSchedule: {
      at: first?.backoffSchedule.at,
      entries: [...(first?.backoffSchedule.entries ?? [])],
    },
    connectedMs: sum((p) => p.connectedMs),
    observedMs: sum((p) => p.observedMs),
    epochs: [...new Set(all.flatMap((p) => p.epochs))],
    foreignDeliveries: all.reduce((n, p) => n + p.foreignDeliveries, 0),
    warmupOpens: times((p) => p.warmupOpens),
  };
}
