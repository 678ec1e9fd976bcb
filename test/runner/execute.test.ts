import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/protocol/index.js';
import { FleetRecorder, parseScenario, type Harness } from '../../src/runner/index.js';
import { MethodRunner, sleep } from '../../src/runner/execute.js';

/** A harness that writes down what the method asked of it, at what virtual time. */
function recordingHarness(clock: SimulatedClock) {
  const calls: string[] = [];
  const at = () => `${clock.now()}ms`;
  const harness: Harness = {
    clock,
    applyFault: async (step, attributes) => {
      calls.push(`${at()} add ${step.toxic} ${step.stream} ${JSON.stringify(attributes)}`);
      return async () => {
        calls.push(`${at()} remove ${step.toxic}`);
      };
    },
    proxyDown: async (target) => {
      calls.push(
        `${at()} down${target.kind === 'redis' ? ' redis' : target.instance === undefined ? '' : ` ${target.instance}`}`,
      );
      return async () => {
        calls.push(`${at()} up`);
      };
    },
    resetFaults: async () => void calls.push(`${at()} reset`),
    stopServer: async (graceful, instance) =>
      void calls.push(
        `${at()} stop ${graceful ? 'graceful' : 'hard'}${instance === undefined ? '' : ` ${instance}`}`,
      ),
    startServer: async (instance) =>
      void calls.push(`${at()} start${instance === undefined ? '' : ` ${instance}`}`),
    redis: async (action) => void calls.push(`${at()} redis ${action}`),
    startPublisher: () => undefined,
    stopPublisher: async () => undefined,
    burst: async (count) => void calls.push(`${at()} burst ${count}`),
    revokeTokens: async () => void calls.push(`${at()} revoke`),
    reconnectStopped: () => 0,
    connectFleet: () => undefined,
    close: async () => undefined,
  };
  return { harness, calls };
}

/** Runs `promise` to completion, stepping the virtual clock whenever it waits on a timer. */
async function drive<T>(clock: SimulatedClock, promise: Promise<T>): Promise<T> {
  let done = false;
  const result = promise.finally(() => {
    done = true;
  });
  for (let i = 0; i < 10_000 && !done; i++) {
    for (let k = 0; k < 20; k++) await Promise.resolve();
    if (!done && !clock.step()) break;
  }
  return result;
}

const scenario = (method: string, timeScale = 1, topology = '{ instances: 1 }') =>
  parseScenario(
    `version: 1
title: t
config: { clients: 2, timeScale: ${timeScale}, topology: ${topology} }
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
${method}`,
    'unit.yaml',
  );

describe('MethodRunner', () => {
  it('runs steps at their offsets, ends timed faults by themselves and waits for them', async () => {
    const clock = new SimulatedClock(0);
    const { harness, calls } = recordingHarness(clock);
    const s = scenario(`  - { at: 10s, action: fault.latency, latency: 12s, duration: 30s }
  - { at: 20s, action: server.restart, graceful: false, downtime: 5s }
  - { action: alerts.burst, count: 3, pauses: { before: 1s } }
  - { at: 50s, action: fault.down, duration: 2s }`);
    const recorder = new FleetRecorder(clock);
    const outcome = await drive(
      clock,
      new MethodRunner(s, harness, recorder, () => undefined).run(s.method),
    );
    expect(outcome).toEqual({ ok: true });
    expect(calls).toEqual([
      '10000ms add latency downstream {"latency":12000,"jitter":0}',
      '20000ms stop hard',
      '25000ms start',
      '26000ms burst 3',
      '40000ms remove latency',
      '50000ms down',
      '52000ms up',
    ]);
    expect(recorder.faults.map((f) => [f.name, f.startAt, f.endAt])).toEqual([
      ['latency:downstream', 10_000, 40_000],
      ['server-restart-hard', 20_000, 25_000],
      ['proxy-down', 50_000, 52_000],
    ]);
  });

  it('multiplies every offset, duration and time attribute by timeScale', async () => {
    const clock = new SimulatedClock(0);
    const { harness, calls } = recordingHarness(clock);
    const s = scenario(
      `  - { at: 10s, action: fault.latency, latency: 12s, jitter: 1s, duration: 30s }
  - { at: 20s, action: fault.slicer, average_size: 10, delay: 2ms, stream: both, duration: 1s }`,
      0.1,
    );
    await drive(
      clock,
      new MethodRunner(s, harness, new FleetRecorder(clock), () => undefined).run(s.method),
    );
    expect(calls).toEqual([
      '1000ms add latency downstream {"latency":1200,"jitter":100}',
      '2000ms add slicer both {"average_size":10,"size_variation":0,"delay":200}',
      '2100ms remove slicer',
      '4000ms remove latency',
    ]);
  });

  it('fails a wait_until that times out, naming the probe, its value and the line', async () => {
    const clock = new SimulatedClock(0);
    const { harness } = recordingHarness(clock);
    const s = scenario(`  - { action: wait_until, probe: all-connected, timeout: 5s }`);
    const outcome = await drive(
      clock,
      new MethodRunner(s, harness, new FleetRecorder(clock), () => undefined).run(s.method),
    );
    expect(outcome).toEqual({
      ok: false,
      reason:
        'wait_until all-connected timed out after 5s (alert_client_connected = 0, expected == 2) [line 8]',
    });
    expect(clock.now()).toBe(5000);
  });

  it('ends faults still applied when asked (the rollback path), and fault.reset ends them too', async () => {
    const clock = new SimulatedClock(0);
    const { harness, calls } = recordingHarness(clock);
    const s = scenario(`  - { action: fault.timeout, timeout: 0 }
  - { action: fault.bandwidth, rate: 5 }
  - { action: fault.reset }
  - { action: fault.latency, latency: 1s }`);
    const runner = new MethodRunner(s, harness, new FleetRecorder(clock), () => undefined);
    await drive(clock, runner.run(s.method));
    await runner.endOpenFaults();
    expect(calls).toEqual([
      '0ms add timeout downstream {"timeout":0}',
      '0ms add bandwidth downstream {"rate":5}',
      '0ms reset',
      '0ms remove timeout',
      '0ms remove bandwidth',
      '0ms add latency downstream {"latency":1000,"jitter":0}',
      '0ms remove latency',
    ]);
  });

  it("acts on one instance or every one, and on the run's Redis, rolling a killed Redis back", async () => {
    const clock = new SimulatedClock(0);
    const { harness, calls } = recordingHarness(clock);
    const s = scenario(
      `  - { action: server.kill, instance: 2 }
  - { at: 1s, action: server.start, instance: 2 }
  - { at: 2s, action: server.kill, downtime: 3s }
  - { at: 10s, action: redis.pause, duration: 4s }
  - { at: 20s, action: redis.restart, downtime: 1s }
  - { at: 30s, action: fault.down, target: redis, duration: 1s }
  - { at: 40s, action: fault.down, instance: 3, duration: 1s }
  - { at: 50s, action: redis.kill }`,
      1,
      '{ instances: 3, broker: redis }',
    );
    const recorder = new FleetRecorder(clock);
    const runner = new MethodRunner(s, harness, recorder, () => undefined);
    expect(await drive(clock, runner.run(s.method))).toEqual({ ok: true });
    // The last kill has no downtime: Redis stays down until a rollback brings it back.
    await runner.endOpenFaults();
    expect(calls).toEqual([
      '0ms stop hard 2',
      '1000ms start 2',
      '2000ms stop hard',
      '5000ms start',
      '10000ms redis pause',
      '14000ms redis resume',
      '20000ms redis kill',
      '21000ms redis start',
      '30000ms down redis',
      '31000ms up',
      '40000ms down 3',
      '41000ms up',
      '50000ms redis kill',
      '50000ms redis start',
    ]);
    expect(recorder.faults.map((f) => f.name)).toEqual([
      'server-down:2',
      'server-restart-hard',
      'redis-pause',
      'redis-restart',
      'proxy-down:redis',
      'proxy-down:3',
      'redis-down',
    ]);
  });

  it('says a Redis step needs a Redis the run owns when the harness has none', async () => {
    const clock = new SimulatedClock(0);
    const { harness } = recordingHarness(clock);
    const { redis: _redis, ...withoutRedis } = harness;
    const s = scenario('  - { action: redis.pause, duration: 1s }', 1, '{ broker: redis }');
    const runner = new MethodRunner(s, withoutRedis, new FleetRecorder(clock), () => undefined);
    await expect(drive(clock, runner.run(s.method))).rejects.toThrow(
      /redis\.pause \(line 8\) needs a Redis the run owns/,
    );
  });
});

describe('sleep', () => {
  it('waits out a delay longer than a Node timer holds (24.8 days) in pieces, not at once', async () => {
    const clock = new SimulatedClock(0);
    const delays: number[] = [];
    const setTimeout = clock.setTimeout.bind(clock);
    clock.setTimeout = (callback, delayMs) => {
      delays.push(delayMs);
      return setTimeout(callback, delayMs);
    };
    const thirtyDaysMs = 30 * 86_400_000;
    let woke = false;
    const slept = sleep(clock, thirtyDaysMs).then(() => (woke = true));
    clock.advance(thirtyDaysMs - 1);
    expect(woke).toBe(false);
    clock.advance(1);
    await slept;
    expect(woke).toBe(true);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(thirtyDaysMs);
  });

  it('stops a long sleep at once when aborted, leaving no timer behind', async () => {
    const clock = new SimulatedClock(0);
    const abort = new AbortController();
    const slept = sleep(clock, 40 * 86_400_000, abort.signal);
    clock.advance(30 * 86_400_000);
    abort.abort();
    await slept;
    expect(clock.pendingTimers).toBe(0);
  });
});
