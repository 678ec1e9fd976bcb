import { CLIENT_STATES, type ClientStateName, type TransitionReason } from './events.js';
import type { TimelineEntry } from './timeline.js';

/** Summary of a set of samples, in their unit. Percentiles use the nearest-rank method. */
export interface Distribution {
  count: number;
  avg: number;
  p50: number;
  p95: number;
  max: number;
}

/** Connection health over a window ending now. */
export interface ClientStats {
  /** Window length, ms. */
  windowMs: number;
  /** Window start and end, epoch ms. */
  from: number;
  to: number;
  /** Time in the window the client was meant to be connected (not idle by the app's choice), ms. */
  observedMs: number;
  /** Time connected, ms. */
  uptimeMs: number;
  /** Observed time not connected (connecting, reconnecting, failed, offline, forbidden), ms. */
  downtimeMs: number;
  /** uptimeMs / observedMs in [0, 1]; null when nothing was observed. */
  uptimeRatio: number | null;
  /** Attempts started in the window whose outcome is known (excluding ones the app aborted). */
  attempts: number;
  /** Attempts that opened a socket. */
  successfulAttempts: number;
  /** Attempts that failed (refused, closed or timed out before opening). */
  failedAttempts: number;
  /** successfulAttempts / attempts; null without attempts. */
  successRate: number | null;
  /** Connections lost in the window (not counting `disconnect()`/`reconnect()` by the app). */
  disconnections: number;
  /** Time from losing a connection to being connected again, ms. */
  reconnectMs: Distribution | null;
  /** Pong round-trip times (not counting pongs measured in a hidden tab), ms. */
  pongRttMs: Distribution | null;
  /** Time from the last frame received to declaring the link dead, ms. */
  detectionMs: Distribution | null;
}

/** A timed sample. */
export interface Sample {
  at: number;
  value: number;
}

/** What stats are computed from. */
export interface StatsInput {
  /** Timeline entries, oldest first. */
  entries: readonly TimelineEntry[];
  /** The last state entry before `entries`, if older ones were dropped. */
  baseline: TimelineEntry | undefined;
  /** Pong RTT samples, oldest first. */
  rtt: readonly Sample[];
}

// Changes the app asked for: neither losses nor downtime.
const APP_REASONS: ReadonlySet<TransitionReason | undefined> = new Set([
  'client',
  'disposed',
  'reconnect',
]);
const IDLE_REASONS: ReadonlySet<TransitionReason | undefined> = new Set([
  'initial',
  'client',
  'disposed',
]);
const ABORT_REASONS: ReadonlySet<TransitionReason | undefined> = new Set([
  'client',
  'disposed',
  'reconnect',
  'offline',
]);
const STATE_KINDS: ReadonlySet<string> = new Set(CLIENT_STATES);

/** True for timeline entries that record a state (not a quality change). */
export function isStateEntry(
  entry: TimelineEntry,
): entry is TimelineEntry & { kind: ClientStateName } {
  return STATE_KINDS.has(entry.kind);
}

/**
 * Computes {@link ClientStats} over `[now − windowMs, now]`. Pure: the same input gives the
 * same numbers, so a scripted timeline can be checked against values computed by hand.
 */
export function computeStats(input: StatsInput, windowMs: number, now: number): ClientStats {
  const from = now - windowMs;
  const states = input.entries.filter(isStateEntry);
  if (input.baseline !== undefined && isStateEntry(input.baseline)) states.unshift(input.baseline);
  const inWindow = (at: number): boolean => at >= from && at <= now;

  let uptimeMs = 0;
  let downtimeMs = 0;
  let successfulAttempts = 0;
  let failedAttempts = 0;
  let disconnections = 0;
  const reconnect: number[] = [];
  const detection: number[] = [];
  let lostAt: number | undefined;

  states.forEach((entry, i) => {
    const next = states[i + 1];
    const start = Math.max(entry.at, from);
    const end = Math.min(next?.at ?? now, now);
    if (end > start) {
      if (entry.kind === 'connected') uptimeMs += end - start;
      else if (!(entry.kind === 'disconnected' && IDLE_REASONS.has(entry.reason))) {
        downtimeMs += end - start;
      }
    }
    if (entry.kind === 'connecting' && next !== undefined && inWindow(entry.at)) {
      if (next.kind === 'connected') successfulAttempts++;
      else if (!ABORT_REASONS.has(next.reason)) failedAttempts++;
    }
    const previous = states[i - 1];
    if (previous?.kind === 'connected' && entry.kind !== 'connected') {
      if (APP_REASONS.has(entry.reason)) lostAt = undefined;
      else {
        lostAt = entry.at;
        if (inWindow(entry.at)) disconnections++;
      }
    }
    if (entry.kind === 'disconnected' && IDLE_REASONS.has(entry.reason)) lostAt = undefined;
    if (entry.kind === 'connected' && lostAt !== undefined) {
      if (inWindow(entry.at)) reconnect.push(entry.at - lostAt);
      lostAt = undefined;
    }
    if (entry.detectionMs !== undefined && inWindow(entry.at)) detection.push(entry.detectionMs);
  });

  const observedMs = uptimeMs + downtimeMs;
  const attempts = successfulAttempts + failedAttempts;
  return {
    windowMs,
    from,
    to: now,
    observedMs,
    uptimeMs,
    downtimeMs,
    uptimeRatio: observedMs > 0 ? uptimeMs / observedMs : null,
    attempts,
    successfulAttempts,
    failedAttempts,
    successRate: attempts > 0 ? successfulAttempts / attempts : null,
    disconnections,
    reconnectMs: summarize(reconnect),
    pongRttMs: summarize(input.rtt.filter((s) => inWindow(s.at)).map((s) => s.value)),
    detectionMs: summarize(detection),
  };
}

/** Nearest-rank percentile (`p` in (0, 100]) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** Count, mean, p50, p95 and max of `values`; null when empty. */
export function summarize(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    count: sorted.length,
    avg: sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1]!,
  };
}
