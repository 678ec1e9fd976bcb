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

/** Everything a finished {@link FleetRecorder} holds about its clients, as plain data. */
export interface RecordingState {
  tracks: TrackState[];
  published: PublishedState;
  trends: TrendState[];
  episodes: Array<{ at: number; durationMs: number | undefined; outcome: string }>;
  disconnections: number[];
  disconnectionCauses: Array<{ reason: string; closeCode: number | undefined }>;
  attempts: Array<{ at: number; opened: boolean }>;
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
 * their causes).
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
