import { afterEach, describe, expect, it } from 'vitest';
import { createClient, createPollingTransport, httpBaseOf } from '../../../src/client/index.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { capture } from '../helpers.js';

describe('createPollingTransport against the real server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('maps a WebSocket endpoint to the HTTP base it polls', () => {
    expect(httpBaseOf('ws://127.0.0.1:8080/ws/breach-alerts/alice')).toBe('http://127.0.0.1:8080');
    expect(httpBaseOf('wss://alerts.example.com/edge/ws/breach-alerts/a%20b?x=1')).toBe(
      'https://alerts.example.com/edge',
    );
  });

  it('replays history, then delivers live alerts by long polling, each once and in order', async () => {
    server = await startServer();
    const s = server;
    for (let i = 0; i < 3; i++) await s.publish('alice', `before ${i}`);
    const client = createClient({
      url: s.httpUrl,
      userId: 'alice',
      getToken: () => s.token('alice'),
      transport: createPollingTransport({ waitMs: 5_000, pageSize: 2 }),
      environment: null,
    });
    const events = capture(client);
    client.connect();
    await expect.poll(() => events.alert.length, { timeout: 10_000 }).toBe(3);
    expect(client.transport).toBe('polling');
    // The first pong is measured at connect, over HTTP.
    await expect.poll(() => events.pong.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(events.pong[0]!.rttMs).toBeLessThan(5_000);
    for (let i = 0; i < 5; i++) await s.publish('alice', `live ${i}`);
    await expect.poll(() => events.alert.length, { timeout: 10_000 }).toBe(8);
    expect(events.alert.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.state.filter((e) => e.to === 'connected')).toHaveLength(1);
    client.dispose();
  });

  it('reports a refused token as HTTP 401 and refreshes it once', async () => {
    server = await startServer();
    const s = server;
    let calls = 0;
    const client = createClient({
      url: s.httpUrl,
      userId: 'alice',
      getToken: () => {
        calls += 1;
        return calls === 1 ? 'not-a-token' : s.token('alice');
      },
      transport: createPollingTransport({ waitMs: 1_000 }),
      environment: null,
      backoff: { initialDelayMs: 50, jitter: 'none' },
    });
    const events = capture(client);
    client.connect();
    await expect.poll(() => client.state, { timeout: 10_000 }).toBe('connected');
    expect(events.state.some((e) => e.httpStatus === 401)).toBe(true);
    expect(calls).toBe(2);
    client.dispose();
  });
});
