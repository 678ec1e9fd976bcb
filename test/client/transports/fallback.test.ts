import { describe, expect, it } from 'vitest';
import type { ClientOptions } from '../../../src/client/index.js';
import { advance, createHarness, type Harness } from '../helpers.js';

/** A client with the fallback on, its WebSocket refused (as a middlebox would) from the start. */
function blockedHarness(options: Partial<ClientOptions> = {}): Harness {
  // The fake server exists once the harness does; its fetch is looked up per request.
  const late: { harness?: Harness } = {};
  const fallback: ClientOptions['fallback'] = {
    probeIntervalMs: 15_000,
    polling: { fetch: (url, init) => late.harness!.server.fetch(url, init), waitMs: 25_000 },
  };
  const harness = createHarness({ fallback, ...options });
  late.harness = harness;
  harness.server.admit = () => ({ kind: 'refuse', httpStatus: 502 });
  return harness;
}

const seqs = (h: Harness) => h.events.alert.map((a) => a.seq);

describe('fallback to long polling', () => {
  it('polls after 2 failed WebSocket attempts and delivers every alert once, in order', async () => {
    const h = blockedHarness();
    h.server.publish();
    h.client.connect();
    await advance(h.clock, 10_000);
    expect(h.client.state).toBe('connected');
    expect(h.client.transport).toBe('polling');
    // Two upgrades were refused; the third attempt polled.
    expect(h.server.connections).toHaveLength(2);
    expect(h.events.transport).toEqual([
      expect.objectContaining({ from: undefined, to: 'polling' }),
    ]);
    expect(seqs(h)).toEqual([1]);

    for (let i = 0; i < 5; i++) {
      h.server.publish();
      await advance(h.clock, 700);
    }
    expect(seqs(h)).toEqual([1, 2, 3, 4, 5, 6]);
    // A long poll is waiting now, and the first pong came through /healthz at connect.
    expect(h.server.requests.at(-1)).toMatch(/since=6.*wait=25000/);
    expect(h.events.pong.length).toBeGreaterThanOrEqual(1);
    h.client.dispose();
  });

  it('moves back to WebSocket when a probe opens, without a disconnection or a lost alert', async () => {
    const h = blockedHarness();
    h.client.connect();
    await advance(h.clock, 10_000);
    expect(h.client.transport).toBe('polling');
    h.server.publish();
    await advance(h.clock, 100);
    const statesBefore = h.events.state.length;

    h.server.admit = () => ({ kind: 'accept' });
    // The probe 15 s after polling began opens and resumes after seq 1; seq 2 comes over it.
    await advance(h.clock, 14_000);
    h.server.publish();
    await advance(h.clock, 2_000);
    expect(h.client.transport).toBe('websocket');
    expect(h.events.transport.map((t) => t.to)).toEqual(['polling', 'websocket']);
    expect(h.events.state.length).toBe(statesBefore);
    expect(h.client.stats().disconnections).toBe(0);
    const probe = h.server.last;
    expect(h.server.sent('resume', probe)).toEqual([
      expect.objectContaining({ type: 'resume', lastSeq: 1, epoch: 'epoch-1' }),
    ]);

    h.server.publish();
    await advance(h.clock, 100);
    expect(seqs(h)).toEqual([1, 2, 3]);
    // Polling stopped: no request after the move but the pings already out.
    const after = h.server.requests.filter((r) => r.startsWith('/api/alerts'));
    await advance(h.clock, 60_000);
    expect(h.server.requests.filter((r) => r.startsWith('/api/alerts'))).toEqual(after);
    h.client.dispose();
  });

  it("does not count the server's own refusals (401, 403, 429) towards falling back", async () => {
    const h = blockedHarness({ getToken: () => 'token' });
    h.server.admit = () => ({ kind: 'refuse', httpStatus: 429, retryAfterMs: 1000 });
    h.client.connect();
    await advance(h.clock, 20_000);
    expect(h.server.requests).toEqual([]);
    h.client.dispose();
  });

  it('when plain HTTP fails too, attempts alternate between WebSocket and polling', async () => {
    const h = blockedHarness();
    h.server.httpDown = true;
    h.client.connect();
    // Attempts at 0, 1, 3, 7, 15, 31 and 61 s (no jitter): ws, ws, poll, ws, poll, ws, poll.
    await advance(h.clock, 62_000);
    const polls = h.server.requests.filter((r) => r.includes('limit=0')).length;
    expect([h.server.connections.length, polls]).toEqual([4, 3]);
    h.server.admit = () => ({ kind: 'accept' });
    h.server.httpDown = false;
    await advance(h.clock, 130_000);
    expect(h.client.state).toBe('connected');
    expect(h.client.transport).toBe('websocket');
    h.client.dispose();
  });

  it('a history reset while polling ends the connection so the client starts over in the new epoch', async () => {
    const h = blockedHarness();
    h.server.publish();
    h.client.connect();
    await advance(h.clock, 10_000);
    expect(seqs(h)).toEqual([1]);
    h.server.epoch = 'epoch-2';
    h.server.alerts.length = 0;
    h.server.publish();
    await advance(h.clock, 30_000);
    expect(h.events.state.some((s) => s.closeCode === 1012)).toBe(true);
    expect(h.client.state).toBe('connected');
    expect(h.events.gap.length).toBeGreaterThanOrEqual(1);
    expect(h.client.position.epoch).toBe('epoch-2');
    h.client.dispose();
  });

  it('a link that hangs while polling is found by the heartbeat and retried', async () => {
    const h = blockedHarness();
    h.client.connect();
    await advance(h.clock, 10_000);
    expect(h.client.transport).toBe('polling');
    h.server.blackhole = true;
    await advance(h.clock, 90_000);
    expect(h.events.state.some((s) => s.reason === 'heartbeat-timeout')).toBe(true);
    h.client.dispose();
  });

  it('rejects bad fallback options with a clear error', () => {
    expect(() => createHarness({ fallback: { fallbackAfter: 0 } })).toThrow(
      /fallback.fallbackAfter: expected an integer >= 1, got 0/,
    );
    expect(() => createHarness({ fallback: { probeIntervalMs: -5 } })).toThrow(
      /fallback.probeIntervalMs/,
    );
    expect(() => createHarness({ fallback: 'yes' as never })).toThrow(/fallback: expected true/);
  });
});
