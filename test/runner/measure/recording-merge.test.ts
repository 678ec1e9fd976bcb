import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientEventName, StateChange } from '../../../src/client/index.js';
import { SimulatedClock } from '../../../src/protocol/index.js';
import {
  FleetRecorder,
  Measurements,
  TREND_METRICS,
  type TrendMetric,
} from '../../../src/runner/index.js';

/** Emits scripted events; the recorder only subscribes, so this is all it sees. */
class ScriptedClient {
  state: StateChange['to'] = 'disconnected';
  readonly #listeners = new Map<string, Array<(payload: unknown, at?: number) => void>>();
  on(event: ClientEventName, listener: (payload: never) => void): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as (payload: unknown) => void);
    this.#listeners.set(event, list);
    return () => undefined;
  }
  emit(event: ClientEventName, payload: unknown): void {
    if (event === 'state') this.state = (payload as StateChange).to;
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }
}

const USERS = 3;
const CLIENTS = 7;
const STATES = ['connecting', 'connected', 'reconnecting', 'disconnected', 'failed'] as const;
const REASONS = ['open', 'connect', 'heartbeat-timeout', 'close', 'client', 'disposed'] as const;
const CODES = [undefined, 1006, 1008, 1012, 4401] as const;

/** One scripted step, at its own virtual ms (steps are 1..5 ms apart, so no two share a time). */
type Step =
  | { kind: 'state'; client: number; to: number; reason: number; code: number; delayMs: number }
  | { kind: 'pongs'; client: number; rtts: number[] }
  | { kind: 'publish'; user: number }
  | { kind: 'deliver'; client: number; pick: number }
  | { kind: 'quality'; client: number; poor: boolean }
  | { kind: 'gap'; client: number; missed: number; reset: boolean }
  | { kind: 'fault' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('state' as const),
    client: fc.nat(CLIENTS - 1),
    to: fc.nat(STATES.length - 1),
    reason: fc.nat(REASONS.length - 1),
    code: fc.nat(CODES.length - 1),
    delayMs: fc.integer({ min: 1, max: 30_000 }),
  }),
  fc.record({
    kind: fc.constant('pongs' as const),
    client: fc.nat(CLIENTS - 1),
    rtts: fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('publish' as const), user: fc.nat(USERS - 1) }),
  fc.record({ kind: fc.constant('deliver' as const), client: fc.nat(CLIENTS - 1), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('quality' as const),
    client: fc.nat(CLIENTS - 1),
    poor: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('gap' as const),
    client: fc.nat(CLIENTS - 1),
    missed: fc.nat(3),
    reset: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('fault' as const) }),
);

/**
 * Plays one script to `recorders` (each following the clients `owns` gives it; publishes and
 * faults go to the owner of the user, or to all): the whole fleet's recorder, or a shard's.
 */
function play(
  steps: readonly Step[],
  parts: number,
  histograms: readonly TrendMetric[],
): FleetRecorder[] {
  const clocks = Array.from({ length: parts }, () => new SimulatedClock(0));
  const recorders = clocks.map((clock) => new FleetRecorder(clock, { histograms }));
  const owner = (client: number) => (client % USERS) % parts;
  const clients = Array.from({ length: CLIENTS }, (_, i) => {
    const client = new ScriptedClient();
    recorders[owner(i)]!.attach(i, `u${i % USERS}`, client);
    return client;
  });
  const ids: string[][] = Array.from({ length: USERS }, () => []);
  let at = 0;
  const advance = (ms: number) => {
    at += ms;
    for (const clock of clocks) clock.advanceTo(at);
  };
  const go = (i: number, to: StateChange['to'], extra: Partial<StateChange> = {}) => {
    clients[i]!.emit('state', {
      from: clients[i]!.state,
      to,
      reason: 'open',
      attempt: 0,
      at,
      ...extra,
    });
  };
  // Warm-up: every client connects; then observation starts.
  for (let i = 0; i < CLIENTS; i++) go(i, 'connecting', { reason: 'connect' });
  for (let i = 0; i < CLIENTS; i++) {
    advance(3);
    go(i, 'connected');
  }
  advance(1);
  for (const recorder of recorders) recorder.markStart(0);
  let endFault: Array<() => void> | undefined;
  steps.forEach((s, n) => {
    advance(1 + (n % 5));
    switch (s.kind) {
      case 'state': {
        const to = STATES[s.to]!;
        const closeCode = CODES[s.code];
        go(s.client, to, {
          reason: REASONS[s.reason]!,
          ...(closeCode === undefined ? {} : { closeCode }),
          attempt: s.to,
          ...(to === 'reconnecting' ? { delayMs: s.delayMs } : {}),
          ...(REASONS[s.reason] === 'heartbeat-timeout' ? { detectionMs: s.delayMs } : {}),
        });
        break;
      }
      case 'pongs':
        clients[s.client]!.emit('pongs', {
          at: s.rtts.map(() => at),
          rttMs: s.rtts,
          throttled: false,
        });
        break;
      case 'publish': {
        const id = `alert-${n}`;
        ids[s.user]!.push(id);
        recorders[s.user % parts]!.recordPublished(id, `u${s.user}`, at, at - 1);
        break;
      }
      case 'deliver': {
        const user = s.client % USERS;
        const list = ids[user]!;
        if (list.length === 0) break;
        const id = list[s.pick % list.length]!;
        const publishedAt = new Date(Number(id.slice(6))).toISOString();
        clients[s.client]!.emit('alert', {
          type: 'breach_alert',
          seq: 1,
          id,
          userId: `u${user}`,
          severity: 'HIGH',
          title: 't',
          source: 's',
          detectedAt: publishedAt,
          publishedAt,
        });
        break;
      }
      case 'quality':
        clients[s.client]!.emit('quality', {
          from: s.poor ? 'good' : 'poor',
          to: s.poor ? 'poor' : 'good',
          at,
        });
        break;
      case 'gap':
        clients[s.client]!.emit(
          'gap',
          s.reset
            ? { kind: 'history-reset', previousEpoch: 'e1', epoch: `e${n}`, lastSeq: 3, at }
            : { kind: 'missed', missed: s.missed, at },
        );
        break;
      case 'fault':
        if (endFault === undefined) {
          endFault = recorders.map((r) => r.recordFault('latency'));
        } else {
          for (const end of endFault) end();
          endFault = undefined;
        }
        break;
    }
  });
  advance(7);
  for (const recorder of recorders) recorder.markMethodEnd();
  advance(7);
  for (const recorder of recorders) recorder.finish();
  return recorders;
}

/** What a report reads off a finished recorder. */
function readings(recorder: FleetRecorder) {
  const measurements = new Measurements(recorder, 1);
  return {
    snapshot: recorder.snapshot(),
    uptime: recorder.uptime(),
    undelivered: recorder.undelivered(),
    delivered: recorder.deliveredCount,
    expected: recorder.expectedDeliveries,
    published: recorder.publishedCount,
    failed: recorder.failedClients,
    longestOutageMs: recorder.longestOutageMs(),
    warmup: recorder.warmup,
    // Counted by outcome in reports; the whole fleet's are in the order they ended.
    episodes: recorder.episodes
      .map((at, i) => ({ at, outcome: recorder.episodeOutcomes[i] }))
      .sort((a, b) => a.at - b.at || a.outcome!.localeCompare(b.outcome!)),
    disconnections: recorder.disconnections,
    causes: recorder.disconnectionCauses,
    planned: recorder.plannedDisconnections,
    policy: recorder.policyCloses,
    attempts: recorder.attempts,
    attemptsOpened: recorder.attemptsOpened,
    timeouts: recorder.heartbeatTimeouts,
    poor: recorder.poorTransitions,
    backoff: recorder.backoffSchedule,
    opens: recorder.opens,
    missed: recorder.missed,
    duplicates: recorder.duplicates,
    deliveries: recorder.deliveries,
    resets: recorder.historyResets,
    epochs: [...recorder.epochs].sort(),
    trends: TREND_METRICS.map((metric) => measurements.summary(metric, 'all')),
  };
}

describe('FleetRecorder.mergeRecordings', () => {
  for (const [name, histograms] of [
    ['sample by sample', []],
    ['as histograms', TREND_METRICS],
  ] as const) {
    it(`reads as the whole fleet's recorder once it took in the other shards' (trends ${name})`, () => {
      fc.assert(
        fc.property(
          fc.array(step, { maxLength: 120 }),
          fc.integer({ min: 2, max: 3 }),
          (steps, parts) => {
            const [whole] = play(steps, 1, histograms);
            const [first, ...rest] = play(steps, parts, histograms);
            // Structured-cloned, as the recordings travel between threads.
            first!.mergeRecordings(rest.map((r) => structuredClone(r.exportRecording())));
            expect(readings(first!)).toEqual(readings(whole!));
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('refuses a recording that has not finished', () => {
    const recorder = new FleetRecorder(new SimulatedClock(0));
    expect(() => recorder.mergeRecordings([])).toThrow(/finish\(\) this recording first/);
  });
});
