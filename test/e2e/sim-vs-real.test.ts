// The simulator agrees with reality: library scenarios run both ways, compressed to a fifth of
// their length, give the same verdict and disconnections, no lost alert, and reconnect and
// detection times within the stated tolerances.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/protocol/index.js';
import {
  FleetRecorder,
  loadScenario,
  RealHarness,
  runScenario,
  type RunReport,
} from '../../src/runner/index.js';
import { simulate } from '../../src/sim/index.js';

const TIME_SCALE = 0.2;
/**
 * Reconnect and detection times may differ by this much (scenario seconds) or this share of the
 * real value, whichever is larger. Real runs vary by about that between themselves: with full
 * jitter, whether a retry lands inside the server's downtime decides a whole backoff step, and
 * real timers fire a few ms late, which at timeScale 0.2 is five times more in scenario time.
 */
const ABSOLUTE_TOLERANCE_S = 1.5;
const RELATIVE_TOLERANCE = 0.4;

async function bothWays(file: string): Promise<{ real: RunReport; sim: RunReport }> {
  const scenario = await loadScenario(file, { timeScale: TIME_SCALE });
  const recorder = new FleetRecorder(systemClock);
  const harness = await RealHarness.start(scenario, recorder);
  let real: RunReport;
  try {
    real = (await runScenario(scenario, harness, recorder, { mode: 'real' })).report;
  } finally {
    await harness.close();
  }
  const sim = (await simulate(scenario)).report;
  return { real, sim };
}

function close(sim: number | null, real: number | null): void {
  expect(sim).not.toBeNull();
  expect(real).not.toBeNull();
  const tolerance = Math.max(ABSOLUTE_TOLERANCE_S, RELATIVE_TOLERANCE * real!);
  expect(Math.abs(sim! - real!), `sim ${sim} vs real ${real}`).toBeLessThanOrEqual(tolerance);
}

function agree(real: RunReport, sim: RunReport): void {
  expect(sim.verdict).toBe(real.verdict);
  expect(sim.metrics.disconnections).toBe(real.metrics.disconnections);
  expect(sim.metrics.disconnect_reasons).toEqual(real.metrics.disconnect_reasons);
  expect(sim.metrics.clients_failed).toBe(real.metrics.clients_failed);
  expect(real.alerts.lost).toBe(0);
  expect(sim.alerts.lost).toBe(0);
  expect(sim.alerts.duplicated).toBe(real.alerts.duplicated);
  // Every scenario here drops the clients and expects them back: a real run without a single
  // reconnect is a broken run, not a reason to skip the timing comparison.
  expect(real.metrics.reconnect_duration_seconds.count).toBeGreaterThan(0);
  expect(sim.metrics.reconnect_duration_seconds.count).toBe(
    real.metrics.reconnect_duration_seconds.count,
  );
  close(sim.metrics.reconnect_duration_seconds.avg, real.metrics.reconnect_duration_seconds.avg);
  close(sim.metrics.reconnect_duration_seconds.p95, real.metrics.reconnect_duration_seconds.p95);
}

describe('sim agrees with real runs (timeScale 0.2)', () => {
  it(
    'hard server restart: same disconnections, reconnect times within tolerance, nothing lost',
    {
      timeout: 30_000,
    },
    async () => {
      const { real, sim } = await bothWays('scenarios/server-restart-hard.yaml');
      agree(real, sim);
    },
  );

  it('graceful server restart (1012)', { timeout: 30_000 }, async () => {
    const { real, sim } = await bothWays('scenarios/server-restart-graceful.yaml');
    agree(real, sim);
  });

  it('token revocation (4401), refresh and resume', { timeout: 30_000 }, async () => {
    const { real, sim } = await bothWays('scenarios/token-expiry.yaml');
    agree(real, sim);
  });

  it(
    'blackholed link: heartbeat timeouts and detection time agree',
    { timeout: 40_000 },
    async () => {
      const { real, sim } = await bothWays('scenarios/blackhole.yaml');
      agree(real, sim);
      expect(sim.metrics.heartbeat_timeouts).toBe(real.metrics.heartbeat_timeouts);
      close(sim.metrics.detection_seconds.max, real.metrics.detection_seconds.max);
    },
  );
});
