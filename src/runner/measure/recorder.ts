import { warmupHerdOf, type WarmupHerd } from './warmup-connect.js';
import type {
  ClientEventName,
  ClientStateName,
  Listener,
  PongBatch,
  StateChange,
} from '../../client/index.js';
import { CloseCode, type BreachAlertMessage, type Clock } from '../../protocol/index.js';
import { PendingCatchUps } from './catch-up.js';
import { PublishedAlerts } from './published.js';
import { HISTOGRAM_ERROR_BOUND, HistogramSeries } from './histogram-series.js';
import { SampleSeries } from './series.js';
import { FleetTimeline } from './timeline.js';
import { RunWindows } from './windows.js';
import { FleetCounts, type FleetSnapshot } from './fleet-counts.js';
import {
  causeOf,
  EVENT_LISTS,
  mergeRecordingEvents,
  type DisconnectionCause,
  replaceContents,
  type RecordingState,
  type TrackState,
  type TrendState,
} from './recording-state.js';

export type { FleetSnapshot } from './fleet-counts.js';

/** The trend metrics a run records sample by sample, or as histograms. */
export const TREND_METRICS = [
  'reconnect_duration_seconds',
  'pong_rtt_seconds',
  'alert_latency_seconds',
  'detection_seconds',
  'catch_up_seconds',
] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];
/** Where a trend's samples go. */
export type TrendSeries = SampleSeries | HistogramSeries;

/** A sample at a clock time; `value` in ms for durations. */
export interface TimedValue {
  at: number;
  value: number;
}

/** One fault as it was applied. */
export interface FaultRecord {
  name: string;
  startAt: number;
  endAt: number | undefined;
}

/** Per-window millisecond totals. */
interface Split {
  steady: number;
  fault: number;
}

/** One client as the recorder follows it. */
type ClientTrack = TrackState;

/** How a reconnect episode ended. */
export type EpisodeOutcome = 'recovered' | 'failed' | 'unfinished';

/** A published alert the server acknowledged. */
/**
 * Collects what the run measures from the clients' own events (state changes, pongs, alerts,
 * gaps), never from sampling. Pure bookkeeping on an injected clock, so the real runner and
 * the simulator share it.
 */
export class FleetRecorder {
  readonly windows = new RunWindows();
  readonly #clock: Clock;
  readonly #tracks: ClientTrack[] = [];
  #counts = new FleetCounts();
  readonly #published = new PublishedAlerts();
  readonly #faults: FaultRecord[] = [];
  readonly #unsubscribers: Array<() => void> = [];
  #startAt: number;
  /** Clock time the recorder was made, before the run published anything. */
  readonly #createdAt: number;
  #observed = false;
  // Maps a measured round trip to what is stored (see calibrateRtt); undefined: as measured.
  #rttOf: ((rttMs: number) => number) | undefined;
  #endAt: number | undefined;

  // Durations in ms, keyed by when they happened.
  readonly reconnectDurations: TrendSeries;
  readonly pongRtts: TrendSeries;
  readonly alertLatencies: TrendSeries;
  readonly detections: TrendSeries;
  /**
   * Per reconnect after a loss (a recovered episode, or the app's reconnect after `failed`),
   * from the reconnect until the client held every alert of its user published before it (the
   * backlog replayed); 0 when nothing was missing. Filled by {@link finish}: the publisher
   * learns of some alerts only after they were delivered.
   */
  readonly catchUps: TrendSeries;
  // Events. The lists that grow with every connection hold numbers and shared constants, in
  // parallel lists where an event has several fields, never an object per event: a day of
  // 100,000 clients opens over 3 M connections, and objects that live the whole run are
  // promoted and marked again by every full collection.
  readonly #catchUps = new PendingCatchUps<ClientTrack>();
  /** When each reconnect episode began (the loss), in the order the episodes ended. */
  readonly episodes: number[] = [];
  /** How each of {@link episodes} ended. */
  readonly episodeOutcomes: EpisodeOutcome[] = [];
  readonly disconnections: number[] = [];
  /** When each connection attempt ended, opened or not. */
  readonly attempts: number[] = [];
  /** Whether each of {@link attempts} opened. */
  readonly attemptsOpened: boolean[] = [];
  readonly heartbeatTimeouts: number[] = [];
  /** Times a connected client's quality went from good to poor. */
  readonly poorTransitions: number[] = [];
  /** Backoff delays of the first client that had to reconnect, in order (the schedule). */
  readonly backoffSchedule: Array<{ attempt: number; delayMs: number }> = [];
  #scheduleOf: number | undefined;
  #scheduleAt: number | undefined;
  readonly opens: number[] = [];
  readonly missed: TimedValue[] = [];
  readonly duplicates: number[] = [];
  readonly deliveries: number[] = [];
  /** Why each disconnection happened, in order (same order as `disconnections`); shared objects. */
  readonly disconnectionCauses: DisconnectionCause[] = [];
  /**
   * Times of planned disconnections (among {@link disconnections}): the server closed the
   * connection on purpose and the client came back as asked — 4401 (the token expired or was
   * revoked: refresh and reconnect) or 1012 (service restart).
   */
  readonly plannedDisconnections: number[] = [];
  /**
   * Times a connection was closed by the server's policy (1008: the flood guard), whether it
   * had been up for long or had just opened.
   */
  readonly policyCloses: number[] = [];
  readonly #connectedMs: Split = { steady: 0, fault: 0 };
  readonly #observedMs: Split = { steady: 0, fault: 0 };
  /** Server epochs the clients saw change between (empty when history never reset). */
  readonly epochs = new Set<string>();
  /** Times a client learned the server's history was lost (a new epoch). */
  readonly historyResets: number[] = [];
  /** Times a connection opened over long polling (the fallback: WebSocket did not get through). */
  readonly fallbacks: number[] = [];
  /**
   * Deliveries of alerts published before this run (history a long-lived server replayed):
   * not this run's to judge, so never counted as delivered, late or duplicated.
   */
  foreignDeliveries = 0;

  /**
   * @param options.histograms the trends kept as streaming histograms (exact counts, min, max
   *   and average; percentiles within {@link HISTOGRAM_ERROR_BOUND}) instead of sample by sample:
   *   memory that does not grow with the run, for a simulated day of a large fleet. Such a trend
   *   keeps no times, so it cannot be split into steady and fault windows.
   */
  constructor(clock: Clock, options: { histograms?: readonly TrendMetric[] } = {}) {
    this.#clock = clock;
    this.#startAt = clock.now();
    this.#createdAt = this.#startAt;
    const histograms = new Set(options.histograms);
    const series = (metric: TrendMetric): TrendSeries =>
      histograms.has(metric) ? new HistogramSeries() : new SampleSeries();
    this.reconnectDurations = series('reconnect_duration_seconds');
    this.pongRtts = series('pong_rtt_seconds');
    this.alertLatencies = series('alert_latency_seconds');
    this.detections = series('detection_seconds');
    this.catchUps = series('catch_up_seconds');
  }

  /** How far the histogram-kept trends' percentiles may be off; undefined when none is kept. */
  get histogramBound(): typeof HISTOGRAM_ERROR_BOUND | undefined {
    const all = [
      this.reconnectDurations,
      this.pongRtts,
      this.alertLatencies,
      this.detections,
      this.catchUps,
    ];
    return all.some((s) => s instanceof HistogramSeries) ? HISTOGRAM_ERROR_BOUND : undefined;
  }

  /**
   * From now on, stores a pong's round trip as `rttOf(measured)`: the real harness keeps the
   * machine's own round trip out of timeScale's division (see `ownAwareRttMs`).
   */
  calibrateRtt(rttOf: (rttMs: number) => number): void {
    this.#rttOf = rttOf;
  }

  /** Clock time the recording started. */
  get startAt(): number {
    return this.#startAt;
  }

  /**
   * Starts observing now (once the fleet is up): time, attempts and connects before this are
   * warm-up, not part of uptime, reconnects or storms.
   */
  markStart(warmupFromMs?: number): void {
    this.#observed = true;
    this.#startAt = this.#clock.now();
    for (const track of this.#tracks) {
      if (track.since !== undefined) track.since = Math.max(track.since, this.#startAt);
    }
    this.#connectedMs.steady = 0;
    this.#connectedMs.fault = 0;
    this.#observedMs.steady = 0;
    this.#observedMs.fault = 0;
    this.attempts.length = 0;
    this.attemptsOpened.length = 0;
    this.#warmupOpens = [...this.opens];
    this.#warmupFromMs = warmupFromMs;
    this.warmup = warmupHerdOf(this.opens, warmupFromMs);
    this.opens.length = 0;
  }

  /** The warm-up's herd (every client connecting at once), set by {@link markStart}. */
  warmup: WarmupHerd = warmupHerdOf([]);
  #warmupOpens: number[] = [];
  #warmupFromMs: number | undefined;

  /**
   * Follows `client` (index `index`, user `userId`) from now on. A client in another process
   * (a fleet worker's, forwarded) passes the time each alert arrived with it.
   */
  attach(index: number, userId: string, client: RecordedClient): void {
    const track: ClientTrack = {
      index,
      userId,
      state: client.state,
      poor: false,
      since: undefined,
      lostAt: undefined,
      backlogSince: undefined,
      downSince: undefined,
      delivered: new Map(),
      everConnected: false,
      transport: undefined,
    };
    this.#tracks.push(track);
    this.#counts.add(track, true);
    this.#unsubscribers.push(
      client.on('state', (change) => this.#onState(track, change)),
      client.on('pongs', (batch) => this.#onPongs(batch)),
      client.on('quality', (change) => {
        this.#counts.remove(track);
        track.poor = change.to === 'poor';
        this.#counts.add(track);
        if (change.to === 'poor') this.poorTransitions.push(change.at);
      }),
      client.on('alert', (alert, receivedAt?: number) => this.#onAlert(track, alert, receivedAt)),
      client.on('transport', (change) => {
        this.#counts.remove(track);
        track.transport = change.to;
        this.#counts.add(track);
        if (change.to === 'polling') this.fallbacks.push(change.at);
      }),
      client.on('gap', (gap) => {
        if (gap.kind === 'history-reset') {
          this.historyResets.push(gap.at);
          this.epochs.add(gap.previousEpoch);
          this.epochs.add(gap.epoch);
        } else if (gap.missed > 0) {
          this.missed.push({ at: gap.at, value: gap.missed });
        }
      }),
    );
  }

  /** Records an alert the server acknowledged (the publisher's view). */
  recordPublished(id: string, userId: string, publishedAt: number, sentAt?: number): void {
    const sent = sentAt ?? publishedAt;
    // Deliveries of a foreign service's alert that beat its publish answer: timed now.
    for (const receivedAt of this.#published.add({ id, userId, publishedAt, sentAt: sent })) {
      this.alertLatencies.push(receivedAt, Math.max(0, receivedAt - sent));
    }
  }

  /** Alerts acknowledged so far. */
  get publishedCount(): number {
    return this.#published.size;
  }

  /** Records a fault starting now; returns a function that records its end. */
  recordFault(name: string): () => void {
    const record: FaultRecord = { name, startAt: this.#clock.now(), endAt: undefined };
    this.#faults.push(record);
    this.windows.markFault(record.startAt);
    return () => {
      record.endAt ??= this.#clock.now();
    };
  }

  /** Faults applied, in order. */
  get faults(): readonly FaultRecord[] {
    return this.#faults;
  }

  /** Names of faults active now. */
  activeFaults(): string[] {
    return this.#faults.filter((f) => f.endAt === undefined).map((f) => f.name);
  }

  /** Marks the end of the method (the fault window closes). */
  markMethodEnd(): void {
    this.windows.markMethodEnd(this.#clock.now());
  }

  /** Counts clients per state now. */
  snapshot(): FleetSnapshot {
    return this.#counts.snapshot();
  }

  /**
   * The timeline the run samples the fleet into, first step `stepSeconds` (see
   * {@link timelineSnapshot}).
   */
  createTimeline(stepSeconds: number): FleetTimeline {
    return new FleetTimeline(stepSeconds);
  }

  /** The counts by state a timeline sample takes now: the fleet's, as {@link snapshot}. */
  timelineSnapshot(): FleetSnapshot {
    return this.snapshot();
  }

  /**
   * Longest time, ms, any observed client has been without a connection now (failed and
   * app-disconnected clients included; 0 when every client is connected).
   */
  longestOutageMs(): number {
    const now = this.#clock.now();
    let longest = 0;
    for (const track of this.#tracks) {
      if (track.downSince !== undefined && track.since !== undefined) {
        longest = Math.max(longest, now - Math.max(track.downSince, this.#startAt));
      }
    }
    return longest;
  }

  /**
   * While the run goes on: alerts a connected client still lacks `overdueMs` after it could
   * have had them (published, or the client connected, whichever came later). Alerts of a
   * client that is not connected, or younger than that, are pending: resume may bring them.
   * Once the run has finished, the same as {@link undelivered}.
   */
  overdue(overdueMs: number): number {
    if (this.#endAt !== undefined) return this.undelivered();
    const now = this.#clock.now();
    let overdue = 0;
    for (const track of this.#tracks) {
      if (track.state !== 'connected' || track.since === undefined) continue;
      const connectedAt = track.since;
      for (const id of this.#published.idsOf(track.userId)) {
        if (track.delivered.has(id)) continue;
        const publishedAt = this.#published.get(id)?.publishedAt ?? now;
        if (now - Math.max(publishedAt, connectedAt) > overdueMs) overdue += 1;
      }
    }
    return overdue;
  }

  /** Acknowledged alerts not (yet) delivered to each client of their user. */
  undelivered(): number {
    let lost = 0;
    for (const track of this.#tracks) {
      for (const id of this.#published.idsOf(track.userId)) {
        if (!track.delivered.has(id)) lost += 1;
      }
    }
    return lost;
  }

  /** Time connected and observed so far, per window, with open segments counted up to now. */
  uptime(): { connected: Split; observed: Split } {
    const now = this.#endAt ?? this.#clock.now();
    const connected = { ...this.#connectedMs };
    const observed = { ...this.#observedMs };
    for (const track of this.#tracks) {
      if (track.since === undefined) continue;
      const part = this.windows.split(track.since, now);
      observed.steady += part.steady;
      observed.fault += part.fault;
      if (track.state === 'connected') {
        connected.steady += part.steady;
        connected.fault += part.fault;
      }
    }
    return { connected, observed };
  }

  /** Stops following the clients and closes open episodes as unfinished. */
  finish(): number {
    this.#endAt = this.#clock.now();
    for (const off of this.#unsubscribers.splice(0)) off();
    for (const track of this.#tracks) {
      if (track.lostAt !== undefined) {
        this.#episode(track.lostAt, 'unfinished');
        track.lostAt = undefined;
      }
    }
    const published = this.#published;
    this.#catchUps.drain(
      {
        idsOf: (userId) => published.idsOf(userId),
        publishedAt: (id) => published.get(id)?.publishedAt,
      },
      this.#endAt,
      (lostAt, ms) => this.catchUps.push(lostAt, ms),
    );
    return this.#endAt;
  }

  /** The trends, in {@link TREND_METRICS}' order. */
  get #trends(): TrendSeries[] {
    return [
      this.reconnectDurations,
      this.pongRtts,
      this.alertLatencies,
      this.detections,
      this.catchUps,
    ];
  }

  /**
   * What this finished recording holds about its clients, as plain data: what
   * {@link mergeRecordings} takes from the recorders of the rest of a fleet split over threads.
   */
  exportRecording(): RecordingState {
    return {
      tracks: this.#tracks,
      published: this.#published.export(),
      trends: this.#trends.map((series) => series.export()),
      episodes: this.episodes,
      episodeOutcomes: this.episodeOutcomes,
      disconnections: this.disconnections,
      disconnectionCauses: this.disconnectionCauses,
      attempts: this.attempts,
      attemptsOpened: this.attemptsOpened,
      heartbeatTimeouts: this.heartbeatTimeouts,
      poorTransitions: this.poorTransitions,
      backoffSchedule: { at: this.#scheduleAt, entries: this.backoffSchedule },
      opens: this.opens,
      missed: this.missed,
      duplicates: this.duplicates,
      deliveries: this.deliveries,
      plannedDisconnections: this.plannedDisconnections,
      policyCloses: this.policyCloses,
      historyResets: this.historyResets,
      fallbacks: this.fallbacks,
      connectedMs: { ...this.#connectedMs },
      observedMs: { ...this.#observedMs },
      epochs: [...this.epochs],
      foreignDeliveries: this.foreignDeliveries,
      warmupOpens: this.#warmupOpens,
    };
  }

  /**
   * Takes in the finished recordings of the rest of a fleet split by user over threads (each
   * recorder followed its own clients, on the same virtual clock, through the same run): this
   * recorder then reads as one that had followed every client. Counts and times add, trends
   * merge, events interleave by time (ties: this recorder's first, then `parts` in order).
   */
  mergeRecordings(parts: readonly RecordingState[]): void {
    if (this.#endAt === undefined) {
      throw new Error('FleetRecorder.mergeRecordings: finish() this recording first');
    }
    const all = [this.exportRecording(), ...parts];
    const tracks = all.flatMap((p) => p.tracks).sort((a, b) => a.index - b.index);
    replaceContents(this.#tracks, tracks);
    this.#counts = new FleetCounts();
    for (const track of tracks) this.#counts.add(track, true);
    for (const part of parts) this.#published.merge(part.published);
    this.#trends.forEach((series, i) => {
      for (const part of parts) mergeTrend(series, part.trends[i]!);
    });
    const merged = mergeRecordingEvents(all);
    for (const key of EVENT_LISTS) {
      replaceContents(this[key] as unknown[], merged[key]);
    }
    this.#scheduleAt = merged.backoffSchedule.at;
    replaceContents(this.backoffSchedule, merged.backoffSchedule.entries);
    Object.assign(this.#connectedMs, merged.connectedMs);
    Object.assign(this.#observedMs, merged.observedMs);
    for (const epoch of merged.epochs) this.epochs.add(epoch);
    this.foreignDeliveries = merged.foreignDeliveries;
    this.#warmupOpens = merged.warmupOpens;
    if (this.#observed) this.warmup = warmupHerdOf(this.#warmupOpens, this.#warmupFromMs);
  }

  /** Clock time the recording ended (now while running). */
  get endAt(): number {
    return this.#endAt ?? this.#clock.now();
  }

  /**
   * The most sockets each server instance held at once, by the servers' own count (set by the
   * run once it is over); null for an instance that cannot tell, undefined when not known.
   */
  instancePeaks: Array<number | null> | undefined;

  /** Clients currently failed. */
  get failedClients(): number {
    return this.#counts.inState('failed');
  }

  /** Connected clients whose connection travels by long polling now. */
  get pollingClients(): number {
    return this.snapshot().polling;
  }

  /** Alerts delivered at least once, counted per client. */
  get deliveredCount(): number {
    let n = 0;
    for (const track of this.#tracks) n += track.delivered.size;
    return n;
  }

  /** Alerts that should have reached a client (per client of the alert's user). */
  get expectedDeliveries(): number {
    let n = 0;
    for (const track of this.#tracks) n += this.#published.idsOf(track.userId).length;
    return n;
  }

  // Pongs come in batches (a played stretch of heartbeat is one, with no object per pong).
  #onPongs(batch: PongBatch): void {
    if (batch.throttled) return;
    const { at, rttMs } = batch;
    const rttOf = this.#rttOf;
    for (let i = 0; i < at.length; i++) {
      // Warm-up pongs (each client's first, at connect, in the herd) are not the run's.
      if (!this.#observing(at[i]!)) continue;
      this.pongRtts.push(at[i]!, rttOf === undefined ? rttMs[i]! : rttOf(rttMs[i]!));
    }
  }

  #observing(at: number): boolean {
    return this.#observed && at >= this.#startAt;
  }

  #onState(track: ClientTrack, change: StateChange): void {
    const at = change.at;
    // Close the current segment of observed time.
    if (track.since !== undefined) {
      const part = this.windows.split(track.since, at);
      this.#observedMs.steady += part.steady;
      this.#observedMs.fault += part.fault;
      if (track.state === 'connected') {
        this.#connectedMs.steady += part.steady;
        this.#connectedMs.fault += part.fault;
      }
    }
    const from = track.state;
    this.#counts.remove(track);
    track.state = change.to;
    if (change.to === 'connected') track.downSince = undefined;
    else track.downSince ??= at;
    // Time the app chose to be disconnected is not observed; everything else is.
    const appIdle =
      change.to === 'disconnected' && (change.reason === 'client' || change.reason === 'disposed');
    track.since = appIdle ? undefined : at;
    if (change.to !== 'connected') track.poor = false;
    this.#counts.add(track);

    if (from === 'connecting' && change.to !== 'connecting') {
      this.attempts.push(at);
      this.attemptsOpened.push(change.to === 'connected');
    }
    if (change.reason === 'heartbeat-timeout') this.heartbeatTimeouts.push(at);
    if (change.to === 'reconnecting' && change.delayMs !== undefined && this.#observing(at)) {
      this.#scheduleOf ??= track.index;
      this.#scheduleAt ??= at;
      if (this.#scheduleOf === track.index && this.backoffSchedule.length < 100) {
        this.backoffSchedule.push({ attempt: change.attempt, delayMs: change.delayMs });
      }
    }
    if (change.detectionMs !== undefined) this.detections.push(at, change.detectionMs);

    if (change.closeCode === CloseCode.POLICY && from === 'connected') this.policyCloses.push(at);
    if (from === 'connected' && change.to !== 'connected' && !appIdle) {
      this.disconnections.push(at);
      this.disconnectionCauses.push(causeOf(change.reason, change.closeCode));
      if (isPlanned(change.closeCode)) this.plannedDisconnections.push(at);
      track.lostAt ??= at;
      track.backlogSince ??= at;
    }
    if (change.to === 'connected') {
      this.opens.push(at);
      track.everConnected = true;
      if (track.backlogSince !== undefined) {
        this.#catchUps.add(track, track.backlogSince, at);
        track.backlogSince = undefined;
      }
      if (track.lostAt !== undefined) {
        this.reconnectDurations.push(track.lostAt, at - track.lostAt);
        this.#episode(track.lostAt, 'recovered');
        track.lostAt = undefined;
      }
    } else if (
      (change.to === 'failed' || change.to === 'disconnected') &&
      track.lostAt !== undefined
    ) {
      this.#episode(track.lostAt, 'failed');
      track.lostAt = undefined;
    }
  }

  #episode(lostAt: number, outcome: EpisodeOutcome): void {
    this.episodes.push(lostAt);
    this.episodeOutcomes.push(outcome);
  }

  #onAlert(track: ClientTrack, alert: BreachAlertMessage, receivedAt?: number): void {
    const now = receivedAt ?? this.#clock.now();
    const serverTime = Date.parse(alert.publishedAt);
    // The server accepted it before this run began, and this run's publisher never sent it.
    if (serverTime < this.#createdAt && !this.#published.has(alert.id)) {
      this.foreignDeliveries += 1;
      return;
    }
    if (track.delivered.has(alert.id)) {
      this.duplicates.push(now);
      return;
    }
    track.delivered.set(alert.id, now);
    this.deliveries.push(now);
    // The server's acceptance time: the publisher's ack can arrive after the delivery. A
    // foreign service's alert (translated by a profile, with its `payload`) carries no such
    // time: latency runs from when the publish request was sent, known once it is answered.
    if (alert.payload !== undefined && !this.#published.has(alert.id)) {
      this.#published.holdEarly(alert.id, now);
      return;
    }
    const publishedAt =
      alert.payload !== undefined
        ? this.#published.get(alert.id)?.sentAt
        : Number.isFinite(serverTime)
          ? serverTime
          : this.#published.get(alert.id)?.publishedAt;
    if (publishedAt !== undefined) this.alertLatencies.push(now, Math.max(0, now - publishedAt));
  }
}

// Adds a part's trend to the same trend here, both kept the same way.
function mergeTrend(series: TrendSeries, state: TrendState): void {
  if (series instanceof HistogramSeries && state.kind === 'histogram') series.merge(state);
  else if (series instanceof SampleSeries && state.kind === 'samples') series.merge(state);
  else {
    throw new Error(
      `FleetRecorder.mergeRecordings: a trend kept as ${state.kind} there is kept the other way here`,
    );
  }
}

/** What the recorder follows of a client: its state now and its events. */
export interface RecordedClient {
  readonly state: ClientStateName;
  on<K extends ClientEventName>(event: K, listener: Listener<K>): () => void;
}

/** 4401 (token expired: refresh) and 1012 (service restart): the server asked for the reconnect. */
export function isPlanned(closeCode: number | undefined): boolean {
  return closeCode === CloseCode.TOKEN_EXPIRED || closeCode === CloseCode.SERVICE_RESTART;
}
