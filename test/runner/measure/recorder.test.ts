import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientEventMap, ClientEventName, StateChange } from '../../../src/client/index.js';
import { SimulatedClock } from '../../../src/protocol/index.js';
import { FleetRecorder, Measurements } from '../../../src/runner/index.js';

/** Emits scripted client events; the recorder only subscribes, so this is all it sees. */
class ScriptedClient {
  state: StateChange['to'] = 'disconnected';
  readonly #listeners = new Map<string, Array<(payload: unknown) => void>>();
  on<K extends ClientEventName>(
    event: K,
    listener: (payload: ClientEventMap[K]) => void,
  ): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as (payload: unknown) => void);
    this.#listeners.set(event, list);
    return () => undefined;
  }
  emit<K extends ClientEventName>(event: K, payload: ClientEventMap[K]): void {
    if (event === 'state') this.state = (payload as StateChange).to;
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }
  go(
    to: StateChange['to'],
    at: number,
    reason: StateChange['reason'] = 'open',
    extra: Partial<StateChange> = {},
  ) {
    this.emit('state', { from: this.state, to, reason, attempt: 0, at, ...extra });
  }
}

const alert = (id: string, seq: number, publishedAt: number) => ({
  type: 'breach_alert' as const,
  seq,
  id,
  userId: 'u0',
  severity: 'HIGH' as const,
  title: 't',
  source: 's',
  detectedAt: new Date(publishedAt).toISOString(),
  publishedAt: new Date(publishedAt).toISOString(),
});

/** A recorder and one scripted client of user u0 per name, connected at `at`, observed since. */
function connectedFleet<const N extends readonly string[]>(names: N, at = 0) {
  const clock = new SimulatedClock(at);
  const recorder = new FleetRecorder(clock);
  const clients = names.map((_, i) => {
    const client = new ScriptedClient();
    recorder.attach(i, 'u0', client);
    client.go('connected', at);
    return client;
  }) as { [K in keyof N]: ScriptedClient };
  recorder.markStart();
  return { clock, recorder, clients };
}

describe('FleetRecorder and Measurements on a scripted timeline', () => {
  it('computes uptime, reconnects, windows and alert accounting as worked out by hand', () => {
    const clock = new SimulatedClock(0);
    const recorder = new FleetRecorder(clock);
    const a = new ScriptedClient();
    const b = new ScriptedClient();
    recorder.attach(0, 'u0', a);
    recorder.attach(1, 'u0', b);
    // Warm-up: both connect; none of this counts.
    a.go('connecting', 0, 'connect');
    b.go('connecting', 0, 'connect');
    a.go('connected', 100);
    b.go('connected', 200);
    clock.advanceTo(1000);
    recorder.markStart(0); // t = 1000; the fleet connected at 0
    // The warm-up's connects, from the fleet's connect: what a connect costs this machine.
    expect(recorder.warmup.connectMs).toEqual([100, 200]);
    // t = 9000: a fault starts; a loses its link at 10 000, retries once in vain, is back at 13 000.
    clock.advanceTo(9000);
    const endFault = recorder.recordFault('latency:downstream');
    a.go('reconnecting', 10_000, 'heartbeat-timeout', {
      closeCode: 4000,
      detectionMs: 20_000,
      delayMs: 1000,
    });
    a.go('connecting', 11_000, 'retry');
    a.go('reconnecting', 11_500, 'close', { delayMs: 2000 });
    a.go('connecting', 12_500, 'retry');
    a.go('connected', 13_000);
    clock.advanceTo(12_000);
    endFault();
    clock.advanceTo(20_000);
    recorder.markMethodEnd(); // fault window: [9000, 20000)
    // Alerts: two published for u0; a gets both (one twice), b only the first.
    recorder.recordPublished('x1', 'u0', 21_000);
    recorder.recordPublished('x2', 'u0', 22_000);
    clock.advanceTo(21_050);
    a.emit('alert', alert('x1', 1, 21_000));
    b.emit('alert', alert('x1', 1, 21_000));
    clock.advanceTo(22_500);
    a.emit('alert', alert('x2', 2, 22_000));
    a.emit('alert', alert('x2', 2, 22_000));
    // A played batch that began before the run's start: only its pongs from the start count.
    a.emit('pongs', { at: [900, 25_000], rttMs: [7, 40], throttled: false });
    a.emit('pongs', { at: [25_000], rttMs: [5000], throttled: true });
    clock.advanceTo(31_000);
    recorder.finish();

    const m = new Measurements(recorder, 1);
    // Observed 30 s per client = 60 s; a was down 10 000 → 13 000 = 3 s.
    expect(m.ratio('uptime_ratio', 'all')).toBeCloseTo(57 / 60, 10);
    // Fault window 9..20 s: 11 s per client, 22 s, 3 s down.
    expect(m.ratio('uptime_ratio', 'fault')).toBeCloseTo(19 / 22, 10);
    expect(m.ratio('uptime_ratio', 'steady')).toBe(1);
    expect([...m.trend('reconnect_duration_seconds', 'all')]).toEqual([3]);
    expect([...m.trend('reconnect_duration_seconds', 'steady')]).toEqual([]);
    expect(m.ratio('reconnect_success_ratio', 'fault')).toBe(1);
    expect(m.count('disconnections', 'fault')).toBe(1);
    expect(m.count('heartbeat_timeouts', 'all')).toBe(1);
    expect([...m.trend('detection_seconds', 'all')]).toEqual([20]);
    expect(m.count('reconnect_attempts', 'all')).toBe(2);
    expect(m.count('failed_attempts', 'all')).toBe(1);
    expect(m.ratio('connection_success_ratio', 'all')).toBe(0.5);
    expect(m.count('alerts_published', 'all')).toBe(2);
    expect(m.count('alerts_delivered', 'all')).toBe(3);
    expect(m.count('alerts_duplicated', 'all')).toBe(1);
    expect(m.count('alerts_lost', 'all')).toBe(1); // b never got x2
    expect([...m.trend('alert_latency_seconds', 'all')]).toEqual([0.05, 0.05, 0.5]);
    // The throttled pong is not a measurement.
    expect([...m.trend('pong_rtt_seconds', 'all')]).toEqual([0.04]);
    expect(m.aggregate('reconnect_duration_seconds', { kind: 'p', percentile: 95 }, 'all')).toBe(3);
    expect(m.gauge('peak_reconnects_per_second', 'all')).toBe(1);
    expect(recorder.backoffSchedule).toEqual([
      { attempt: 0, delayMs: 1000 },
      { attempt: 0, delayMs: 2000 },
    ]);
  });

  it('reports durations in scenario seconds when time is compressed', () => {
    const {
      clock,
      recorder,
      clients: [a],
    } = connectedFleet(['a']);
    a.go('reconnecting', 100, 'close');
    a.go('connected', 350);
    clock.advanceTo(1000);
    recorder.finish();
    // 250 ms measured at timeScale 0.1 is 2.5 scenario seconds.
    expect([...new Measurements(recorder, 0.1).trend('reconnect_duration_seconds', 'all')]).toEqual(
      [2.5],
    );
  });

  it('counts the peak of opens in any sliding second, so a herd across a boundary is not split', () => {
    const clock = new SimulatedClock(0);
    const recorder = new FleetRecorder(clock);
    recorder.markStart();
    recorder.opens.push(900, 950, 1000, 1100, 1200, 3000);
    clock.advanceTo(5000);
    recorder.finish();
    // Fixed one-second buckets would say 2 (900, 950) and 3 (1000–1200); within 900–1899: 5.
    expect(new Measurements(recorder, 1).gauge('peak_reconnects_per_second', 'all')).toBe(5);
    // At timeScale 0.1 a scenario second is 100 ms: at most 2 opens (900 and 950) in any 100 ms.
    expect(new Measurements(recorder, 0.1).gauge('peak_reconnects_per_second', 'all')).toBe(2);
  });

  it('times the catch-up after each reconnect: until every alert published before it arrived', () => {
    const {
      clock,
      recorder,
      clients: [a, b],
    } = connectedFleet(['a', 'b']);
    recorder.recordPublished('x1', 'u0', 100);
    clock.advanceTo(150);
    a.emit('alert', alert('x1', 1, 100));
    b.emit('alert', alert('x1', 1, 100));
    // Both lose the link at 1 s; three alerts are published while they are away.
    a.go('reconnecting', 1000, 'close', { closeCode: 1008 });
    b.go('reconnecting', 1000, 'close', { closeCode: 1006 });
    recorder.recordPublished('x2', 'u0', 2000);
    recorder.recordPublished('x3', 'u0', 3000);
    recorder.recordPublished('x4', 'u0', 4000);
    // a is back at 5 s and has the backlog by 5.4 s; an alert published after its reconnect
    // arriving later does not count.
    a.go('connected', 5000);
    clock.advanceTo(5200);
    a.emit('alert', alert('x2', 2, 2000));
    a.emit('alert', alert('x3', 3, 3000));
    clock.advanceTo(5400);
    a.emit('alert', alert('x4', 4, 4000));
    recorder.recordPublished('x5', 'u0', 6000);
    clock.advanceTo(9000);
    a.emit('alert', alert('x5', 5, 6000));
    // b comes back at 6 s and never receives x3: it never caught up (until the end, 10 s).
    b.go('connected', 6000);
    b.emit('alert', alert('x2', 2, 2000));
    b.emit('alert', alert('x4', 4, 4000));
    b.emit('alert', alert('x5', 5, 6000));
    clock.advanceTo(10_000);
    recorder.finish();
    const m = new Measurements(recorder, 1);
    expect([...m.trend('catch_up_seconds', 'all')].sort()).toEqual([0.4, 4]);
    expect(m.count('policy_closes', 'all')).toBe(1);
    expect(m.count('alerts_lost', 'all')).toBe(1);
  });

  it('times the catch-up after the app reconnects a failed client, and is 0 with no backlog', () => {
    const {
      clock,
      recorder,
      clients: [a],
    } = connectedFleet(['a']);
    a.go('reconnecting', 1000, 'close');
    a.go('connected', 2000); // nothing was published meanwhile: caught up at once
    a.go('reconnecting', 3000, 'close');
    a.go('failed', 4000, 'max-attempts');
    recorder.recordPublished('x1', 'u0', 4500);
    a.go('connecting', 8000, 'reconnect');
    a.go('connected', 8100);
    clock.advanceTo(8300);
    a.emit('alert', alert('x1', 1, 4500));
    clock.advanceTo(9000);
    recorder.finish();
    const m = new Measurements(recorder, 0.5);
    // 200 ms at timeScale 0.5 is 0.4 scenario seconds.
    expect([...m.trend('catch_up_seconds', 'all')]).toEqual([0, 0.4]);
  });

  it('counts an alert lost while the run goes on only once a connected client lacks it past the deadline', () => {
    const {
      clock,
      recorder,
      clients: [up, down],
    } = connectedFleet(['a', 'b']);
    down.go('reconnecting', 500, 'close');
    recorder.recordPublished('x1', 'u0', 1000);
    const m = new Measurements(recorder, 0.5); // the deadline: 10 s × 0.5 = 5 s
    clock.advanceTo(5999);
    // In flight to the connected client; the disconnected one will get it on resume.
    expect(m.count('alerts_lost', 'all')).toBe(0);
    clock.advanceTo(6001);
    expect(m.count('alerts_lost', 'all')).toBe(1);
    // The other client reconnects: its deadline runs from the reconnect.
    down.go('connected', 6001);
    clock.advanceTo(11_000);
    expect(m.count('alerts_lost', 'all')).toBe(1);
    clock.advanceTo(11_002);
    expect(m.count('alerts_lost', 'all')).toBe(2);
    up.emit('alert', alert('x1', 1, 1000));
    expect(m.count('alerts_lost', 'all')).toBe(1);
    recorder.finish();
    // Once finished, every undelivered alert counts, whatever its age.
    expect(m.count('alerts_lost', 'all')).toBe(1);
  });

  it('counts token refreshes (4401) and announced restarts (1012) apart from outages', () => {
    const {
      clock,
      recorder,
      clients: [a],
    } = connectedFleet(['a']);
    a.go('reconnecting', 100, 'auth', { closeCode: 4401 });
    a.go('connected', 200);
    a.go('reconnecting', 300, 'close', { closeCode: 1012 });
    a.go('connected', 400);
    a.go('reconnecting', 500, 'close', { closeCode: 1006 });
    a.go('connected', 600);
    a.go('reconnecting', 700, 'heartbeat-timeout', { closeCode: 4000 });
    a.go('connected', 800);
    clock.advanceTo(1000);
    recorder.finish();
    const m = new Measurements(recorder, 1);
    expect(m.count('disconnections', 'all')).toBe(2);
    expect(m.count('planned_disconnections', 'all')).toBe(2);
    // Reconnect times are measured for every episode, planned or not.
    expect(m.summary('reconnect_duration_seconds', 'all').count).toBe(4);
  });

  it("keeps a connection's events as numbers and shared constants: no object per event", () => {
    const {
      clock,
      recorder,
      clients: [a],
    } = connectedFleet(['a']);
    for (let i = 1; i <= 50; i++) {
      a.go('reconnecting', i * 100, 'auth', { closeCode: 4401 });
      a.go('connecting', i * 100 + 10, 'retry');
      a.go('connected', i * 100 + 20);
    }
    clock.advanceTo(10_000);
    recorder.finish();
    // Lists as long as the run is: a day of 100,000 clients opens millions of connections.
    const lists = {
      episodes: recorder.episodes,
      episodeOutcomes: recorder.episodeOutcomes,
      attempts: recorder.attempts,
      attemptsOpened: recorder.attemptsOpened,
      disconnections: recorder.disconnections,
      opens: recorder.opens,
    };
    for (const [name, list] of Object.entries(lists)) {
      expect(list, name).toHaveLength(50);
      for (const item of list as unknown[]) expect(typeof item, name).not.toBe('object');
    }
    expect(new Set(recorder.disconnectionCauses).size).toBe(1);
    expect(recorder.disconnectionCauses[0]).toEqual({ reason: 'auth', closeCode: 4401 });
    const m = new Measurements(recorder, 1);
    expect(m.ratio('reconnect_success_ratio', 'all')).toBe(1);
    expect(m.ratio('connection_success_ratio', 'all')).toBe(1);
    expect(m.count('reconnect_attempts', 'all')).toBe(50);
    expect(m.count('failed_attempts', 'all')).toBe(0);
  });

  it('leaves alerts published before the run to that run: a long-lived server replaying its history', () => {
    const {
      clock,
      recorder,
      clients: [a],
    } = connectedFleet(['a'], 100_000);
    clock.advanceTo(100_500);
    // Earlier runs' alerts, replayed to a client that starts from seq 0: twice, even.
    a.emit('alert', alert('old-1', 1, 40_000));
    a.emit('alert', alert('old-2', 2, 50_000));
    a.emit('alert', alert('old-2', 2, 50_000));
    // This run's alert arrives before the publisher hears back from the server.
    a.emit('alert', alert('new-1', 3, 100_400));
    recorder.recordPublished('new-1', 'u0', 100_600);
    clock.advanceTo(101_000);
    recorder.finish();
    const m = new Measurements(recorder, 1);
    expect(recorder.foreignDeliveries).toBe(3);
    expect(recorder.deliveredCount).toBe(1);
    expect(m.count('alerts_duplicated', 'all')).toBe(0);
    expect(m.count('alerts_lost', 'all')).toBe(0);
    expect([...m.trend('alert_latency_seconds', 'all')]).toEqual([0.1]);
  });
});

describe('FleetRecorder.snapshot', () => {
  it('counts the fleet as a recount of every client would, through any sequence of changes', () => {
    const STATES = ['connecting', 'connected', 'reconnecting', 'disconnected', 'failed'] as const;
    const change = fc.record({
      client: fc.nat(5),
      kind: fc.constantFrom('state', 'quality', 'transport'),
      state: fc.constantFrom(...STATES),
      poor: fc.boolean(),
      polling: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 80 }), (changes) => {
        const clock = new SimulatedClock(0);
        const recorder = new FleetRecorder(clock);
        const clients = Array.from({ length: 6 }, (_, i) => {
          const client = new ScriptedClient();
          recorder.attach(i, `u${i}`, client);
          return { client, poor: false, polling: false };
        });
        let at = 0;
        for (const c of changes) {
          const target = clients[c.client]!;
          at += 10;
          if (c.kind === 'state') {
            if (target.client.state === c.state) continue;
            target.client.go(c.state, at);
            if (c.state !== 'connected') target.poor = false;
          } else if (c.kind === 'quality') {
            target.client.emit('quality', {
              from: target.poor ? 'poor' : 'good',
              to: c.poor ? 'poor' : 'good',
              at,
            } as never);
            target.poor = c.poor;
          } else {
            target.client.emit('transport', {
              from: target.polling ? 'polling' : 'websocket',
              to: c.polling ? 'polling' : 'websocket',
              at,
            } as never);
            target.polling = c.polling;
          }
        }
        const snapshot = recorder.snapshot();
        const connected = clients.filter((c) => c.client.state === 'connected');
        expect(snapshot).toEqual({
          total: 6,
          byState: Object.fromEntries(
            STATES.map((state) => [state, clients.filter((c) => c.client.state === state).length]),
          ),
          poor: connected.filter((c) => c.poor).length,
          polling: connected.filter((c) => c.polling).length,
        });
        expect(recorder.failedClients).toBe(snapshot.byState.failed);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
