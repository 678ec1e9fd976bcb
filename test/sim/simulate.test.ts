import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../../src/runner/index.js';
import { extendMethod, simulate } from '../../src/sim/index.js';

const scenario = (method: string, config = '{ clients: 20, seed: 4, alertsPerSecond: 4 }') =>
  parseScenario(
    `version: 1
title: sim test
config: ${config}
method:
${method}
thresholds:
  alerts_lost: ["count==0"]
`,
    'sim-test.yaml',
  );

describe('simulate', () => {
  it('stamps progress and event lines on one clock that never goes back (warm-up included)', async () => {
    const stamps: Array<{ what: string; seconds: number }> = [];
    await simulate(
      scenario(
        '  - { at: 2s, action: fault.latency, latency: 500ms, duration: 2s }',
        '{ clients: 20, seed: 4, timeScale: 1 }',
      ),
      {
        baseLatencyMs: 50,
        progressEveryMs: 10,
        onProgress: (p) => stamps.push({ what: p.phase, seconds: p.elapsedSeconds }),
        onEvent: (line, elapsedMs) => stamps.push({ what: line, seconds: elapsedMs / 1000 }),
      },
    );
    const warmup = stamps.filter((s) => s.what === 'warmup');
    expect(warmup.at(-1)?.seconds).toBeGreaterThan(0);
    const started = stamps.find((s) => s.what.startsWith('steady state met'));
    expect(started?.seconds).toBeGreaterThanOrEqual(warmup.at(-1)?.seconds ?? Infinity);
    for (const [i, stamp] of stamps.entries()) {
      if (i > 0) expect(stamp.seconds, stamp.what).toBeGreaterThanOrEqual(stamps[i - 1]!.seconds);
    }
    // The fault's offset counts from the method's start, after the warm-up.
    const fault = stamps.find((s) => s.what.startsWith('fault latency'));
    expect(fault?.seconds).toBeCloseTo((started?.seconds ?? 0) + 2, 1);
  });

  it('gives a byte-identical report for the same scenario and seed, and a different one for another seed', async () => {
    const file = await loadScenario('scenarios/mixed-chaos.yaml');
    const first = await simulate(file);
    const second = await simulate(file);
    expect(JSON.stringify(second.report)).toBe(JSON.stringify(first.report));
    expect(first.report.mode).toBe('sim');
    expect(first.report.simulation?.events).toBe(first.events);
    expect(first.events).toBeGreaterThan(1000);
    const other = await simulate({ ...file, config: { ...file.config, seed: 43 } });
    expect(JSON.stringify(other.report)).not.toBe(JSON.stringify(first.report));
  });

  it('recovers from a hard restart without losing an alert (library scenario)', async () => {
    const result = await simulate(await loadScenario('scenarios/server-restart-hard.yaml'));
    expect(result.report.verdict).toBe('pass');
    expect(result.exitCode).toBe(0);
    expect(result.report.metrics.disconnections).toBe(30);
    expect(result.report.metrics.disconnect_reasons).toEqual({ 'close:1006': 30 });
    expect(result.report.alerts.lost).toBe(0);
  });

  it('detects a blackholed link through the heartbeat alone (close 4000 within 50 s)', async () => {
    const result = await simulate(await loadScenario('scenarios/blackhole.yaml'));
    expect(result.report.verdict).toBe('pass');
    expect(result.report.metrics.heartbeat_timeouts).toBe(20);
    expect(result.report.metrics.detection_seconds.max).toBeLessThanOrEqual(50);
  });

  it('keeps the exact backoff schedule of the spec without jitter', async () => {
    const result = await simulate(await loadScenario('scenarios/proxy-down.yaml'));
    expect(result.report.metrics.backoff_schedule_seconds.map((b) => b.delay)).toEqual([
      1, 2, 4, 8, 16, 30, 30,
    ]);
  });

  it('12 s of latency is slow, not dead', async () => {
    const result = await simulate(await loadScenario('scenarios/latency-12s.yaml'));
    expect(result.report.verdict).toBe('pass');
    expect(result.report.metrics.disconnections).toBe(0);
    expect(result.report.metrics.pong_rtt_seconds.max).toBeGreaterThanOrEqual(12);
  });

  it('stops at once on a signal aborted before it starts, rollbacks included', async () => {
    const scenario = await loadScenario('scenarios/steady.yaml');
    const result = await simulate(scenario, { signal: AbortSignal.abort() });
    expect(result.report.verdict).toBe('interrupted');
    expect(result.report.reason).toMatch(/^interrupted during the warm-up: /);
    expect(result.exitCode).toBe(130);
  });

  it('exits 99 when a threshold fails', async () => {
    const result = await simulate(await loadScenario('test/fixtures/failing.yaml'));
    expect(result.report.verdict).toBe('threshold_failed');
    expect(result.exitCode).toBe(99);
  });

  it('sim.drops resets connections at the given mean time between failures', async () => {
    const result = await simulate(
      scenario('  - { action: sim.drops, mtbf: 10m, duration: 1h }', '{ clients: 50, seed: 9 }'),
    );
    // 50 clients × 1 h / 10 min ≈ 300 drops.
    expect(result.report.metrics.disconnections).toBeGreaterThan(240);
    expect(result.report.metrics.disconnections).toBeLessThan(360);
    expect(result.report.alerts.lost).toBe(0);
    expect(result.report.verdict).toBe('pass');
  });

  it('sim.outage cuts a seeded fraction of the clients', async () => {
    const result = await simulate(
      scenario(
        '  - { action: sim.outage, fraction: 0.25, duration: 20s }\n  - { action: wait, duration: 1m }',
      ),
    );
    expect(result.report.metrics.disconnections).toBe(5);
    expect(result.report.alerts.lost).toBe(0);
  });

  it('sim.latency swings the pong RTT between base and peak', async () => {
    const result = await simulate(
      scenario(
        '  - { action: sim.latency, base: 10ms, peak: 200ms, period: 1h, duration: 1h }',
        '{ clients: 5, seed: 2, alertsPerSecond: 0 }',
      ),
    );
    const rtt = result.report.metrics.pong_rtt_seconds;
    // The pings at connect ran in the warm-up, which is not measured.
    expect(rtt.min).toBeGreaterThanOrEqual(0.02);
    expect(rtt.max).toBeGreaterThan(0.39);
    expect(rtt.max).toBeLessThanOrEqual(0.401);
  });

  it('--duration makes the method last at least that long (a longer method is unchanged)', async () => {
    const base = scenario('  - { action: wait, duration: 10s }', '{ clients: 5, seed: 1 }');
    const long = await simulate(extendMethod(base, 2 * 3_600_000));
    const method = long.report.faults; // no faults; the duration shows in durationSeconds
    expect(method).toEqual([]);
    // Warm-up (< 1 s) + 2 h + 5 s settle.
    expect(long.report.durationSeconds).toBeGreaterThanOrEqual(7205);
    expect(long.report.durationSeconds).toBeLessThan(7207);
    const short = await simulate(extendMethod(base, 1000));
    expect(short.report.durationSeconds).toBeLessThan(16);
  });

  it('loses no alert when resumes arrive after live delivery started (12 s downstream, drops)', async () => {
    // Each reconnect's hello takes 12 s to arrive, so its resume reaches the server long after
    // the 1 s resume wait: live alerts overtake the replay, which fills the holes afterwards.
    const slow = scenario(
      [
        '  - { at: 1m, action: fault.latency, latency: 12s, jitter: 2s, stream: downstream, duration: 3m }',
        '  - { at: 1m, action: sim.drops, mtbf: 2m, duration: 3m }',
        '  - { at: 6m, action: wait, duration: 0s }',
      ].join('\n'),
      '{ clients: 40, users: 4, seed: 7, alertsPerSecond: 4 }',
    );
    const { report } = await simulate(slow);
    expect(report.alerts.missed).toBeGreaterThan(100); // jumps seen live...
    expect(report.alerts.lost).toBe(0); // ...and every alert delivered in the end
    expect(report.alerts.duplicated).toBe(0);
    expect(report.alerts.delivered).toBe(report.alerts.expected);
  });

  it('validates sim.* actions with file and line', () => {
    expect(() => scenario('  - { action: sim.drops, duration: 1h }')).toThrow(ScenarioError);
    expect(() => scenario('  - { action: sim.drops, duration: 1h }')).toThrow(
      /sim-test\.yaml:5:\d+: method\[0\]\.mtbf: is required/,
    );
    expect(() => scenario('  - { action: sim.outage, fraction: 2 }')).toThrow(
      /method\[0\]\.fraction: expected 0\.\.1, got 2/,
    );
  });
});
