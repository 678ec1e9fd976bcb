import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/runner/index.js';
import { simulate } from '../../src/sim/index.js';

// Everything that can touch a connection while an echoed ping is in flight: alerts to few users
// at a high rate (deliveries and acks), a latency swing that widens each round trip, drops, a
// latency toxic and a reset_peer window, a restart, token expiry and an app reconnect.
const busy = parseScenario(
  `version: 1
title: echoes under fire
config: { clients: 30, users: 3, seed: 9, alertsPerSecond: 1, tokenTtl: 20m }
method:
  - { at: 0s, action: sim.latency, base: 20ms, peak: 400ms, period: 1h, duration: 1h }
  - { at: 0s, action: sim.drops, mtbf: 20m, duration: 1h }
  - { at: 10m, action: fault.latency, latency: 3s, jitter: 1s, stream: downstream, duration: 2m }
  - { at: 20m, action: fault.reset_peer, timeout: 0, toxicity: 0.3, stream: upstream, duration: 1m }
  - { at: 30m, action: server.restart, graceful: true, downtime: 2s }
  - { at: 40m, action: clients.reconnect }
  - { at: 1h, action: wait, duration: 0s }
thresholds:
  alerts_lost: ["count==0"]
`,
  'echoes-under-fire.yaml',
);

describe('echoed pings', () => {
  it('leave the report byte for byte as running every frame does, under fire', async () => {
    const echoed = await simulate(busy);
    const full = await simulate(busy, { echoes: false });
    expect(JSON.stringify(echoed.report)).toBe(JSON.stringify(full.report));
    expect(full.echoes).toEqual({ echoed: 0, playedOut: 0 });
    // Most heartbeats went in one step, and some had to be played out frame by frame.
    expect(echoed.echoes.echoed).toBeGreaterThan(2000);
    expect(echoed.echoes.playedOut).toBeGreaterThan(100);
    expect(echoed.report.alerts.delivered).toBeGreaterThan(20_000);
  });

  it.each([
    'scenarios/steady.yaml',
    'scenarios/mixed-chaos.yaml',
    'scenarios/token-expiry.yaml',
    'scenarios/server-restart-hard.yaml',
    'scenarios/flapping-drops.yaml',
    'scenarios/blackhole.yaml',
  ])('leave the report of %s unchanged', async (file) => {
    const scenario = await loadScenario(file);
    const echoed = await simulate(scenario);
    const full = await simulate(scenario, { echoes: false });
    expect(JSON.stringify(echoed.report)).toBe(JSON.stringify(full.report));
  });

  // A whole fleet connected at one instant pings at the same instants all day: pings the links
  // played must fall back among the others as the full path orders them. Jitter and a 5 s ping
  // against a 20 s idle timeout make the server's watchdog meet pings in flight.
  it.each([
    [
      'a quiet fleet under a latency swing',
      `version: 1
title: quiet swing
config: { clients: 60, users: 30, seed: 5, alertsPerSecond: 0 }
method:
  - { at: 0s, action: sim.latency, base: 3ms, peak: 90ms, period: 2h, duration: 3h }
  - { at: 2h, action: fault.latency, latency: 2s, jitter: 1s, stream: downstream, duration: 5m }
  - { at: 3h, action: wait, duration: 0s }
`,
      [10_000, Infinity],
    ],
    [
      'fast pings that meet the watchdog',
      `version: 1
title: fast pings
config: { clients: 40, users: 20, seed: 3, alertsPerSecond: 0.2, client: { pingInterval: 5s } }
method:
  - { at: 0s, action: sim.drops, mtbf: 30m, duration: 1h }
  - { at: 1h, action: wait, duration: 0s }
`,
      [10_000, Infinity],
    ],
    [
      'pings more often than a round trip takes',
      `version: 1
title: slow round trips
config: { clients: 10, users: 5, seed: 8, alertsPerSecond: 1, client: { pingInterval: 1s } }
method:
  - { at: 0s, action: sim.latency, base: 700ms, peak: 700ms, period: 1h, duration: 20m }
  - { at: 20m, action: wait, duration: 0s }
`,
      // Played only before the latency starts: then a ping would leave before the last pong.
      [1, 100],
    ],
  ] as const)('leave the report of %s unchanged', async (_name, text, [least, most]) => {
    const scenario = parseScenario(text, 'long.yaml');
    const echoed = await simulate(scenario);
    const full = await simulate(scenario, { echoes: false });
    expect(JSON.stringify(echoed.report)).toBe(JSON.stringify(full.report));
    expect(echoed.events).toBe(full.events);
    expect(echoed.echoes.echoed).toBeGreaterThanOrEqual(least);
    expect(echoed.echoes.echoed).toBeLessThanOrEqual(most);
  });

  it('resume on links that lived through a removed latency toxic', async () => {
    // 40 clients, no token expiry or drops: after the toxic, nothing touches a link but pings.
    const patched = parseScenario(
      `version: 1
title: latency patch, then quiet
config: { clients: 40, users: 40, alertsPerSecond: 0, tokenTtl: 10h }
method:
  - { at: 5m, action: fault.latency, latency: 200ms, stream: downstream, duration: 1m }
  - { at: 2h, action: wait, duration: 0s }
`,
      'patched.yaml',
    );
    const echoed = await simulate(patched);
    const full = await simulate(patched, { echoes: false });
    expect(JSON.stringify(echoed.report)).toBe(JSON.stringify(full.report));
    // 40 clients ping 120 times an hour; nearly all of the 2 h after the toxic are played.
    expect(echoed.echoes.echoed).toBeGreaterThan(0.9 * 40 * 120 * 2);
  });

  it('count the full path timers up to the end, pings out then included (50 ms links)', async () => {
    const scenario = await loadScenario('scenarios/steady.yaml');
    const played = await simulate(scenario, { baseLatencyMs: 50 });
    const full = await simulate(scenario, { baseLatencyMs: 50, echoes: false });
    expect(JSON.stringify(played.report)).toBe(JSON.stringify(full.report));
    expect(played.events).toBe(full.events);
  });
});
