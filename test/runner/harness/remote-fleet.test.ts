// The fleet in worker processes against a real server: every client's events reach the
// recorder here, so it judges the whole fleet as if the clients were in this process.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../src/protocol/index.js';
import { RemoteFleet } from '../../../src/runner/harness/remote-fleet.js';
import { FleetRecorder, parseScenario } from '../../../src/runner/index.js';
import { SECRET, startServer, type TestServer } from '../../helpers/server.js';

let server: TestServer | undefined;
let fleet: RemoteFleet | undefined;
afterEach(async () => {
  await fleet?.close();
  await server?.close();
  fleet = undefined;
  server = undefined;
});

const config = parseScenario(
  `version: 1
title: t
config: { clients: 7, users: 3, timeScale: 0.1 }
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  - { action: wait, duration: 1s }`,
  'fleet.yaml',
).config;

describe('RemoteFleet', () => {
  it('spreads the clients over workers and forwards every event to one recorder', async () => {
    server = await startServer({ limits: { resumeWaitMs: 50 } });
    const recorder = new FleetRecorder(systemClock);
    const attached: Array<[number, string]> = [];
    fleet = await RemoteFleet.start({
      config,
      urls: [[server.httpUrl]],
      secret: SECRET,
      ttlS: 600,
      workers: 3,
      attach: (index, userId, client) => {
        attached.push([index, userId]);
        recorder.attach(index, userId, client);
      },
    });
    expect(fleet.workers).toBe(3);
    expect(attached.map(([i]) => i).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Client i belongs to user i mod users, in whichever worker it lives.
    for (const [index, userId] of attached) expect(userId).toBe(`user-${index % 3}`);

    fleet.connect();
    await vi.waitFor(() => expect(recorder.snapshot().byState.connected).toBe(7), {
      timeout: 10_000,
    });
    expect(server.app.alertServer.service.connectionCount).toBe(7);
    // user-0 has clients 0, 3 and 6 (three tabs, in up to three workers).
    const published = await server.publish('user-0', 'to three tabs');
    recorder.recordPublished(published.id, 'user-0', Date.now());
    await vi.waitFor(() => expect(recorder.deliveredCount).toBe(3), { timeout: 5000 });
    expect(recorder.undelivered()).toBe(0);
    expect(fleet.reconnectStopped()).toBe(0);
    // Each worker measures its own loop; the worst p99 comes back.
    const p99 = await fleet.loopP99Ms();
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThan(10_000);
  });

  it('says which worker could not start', async () => {
    await expect(
      RemoteFleet.start({
        config,
        urls: [['http://127.0.0.1:1']],
        secret: SECRET,
        ttlS: 60,
        workers: 2,
        attach: () => undefined,
        entry: new URL('../../fixtures/no-such-worker.js', import.meta.url),
      }),
    ).rejects.toThrow(
      /cannot start the fleet's worker processes: fleet worker [12] exited with 1 before it was ready/,
    );
  });
});
