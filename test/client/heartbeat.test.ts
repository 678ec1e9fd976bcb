import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/protocol/index.js';
import { createManualEnvironment } from '../../src/client/index.js';
import { createHarness, T0 } from './helpers.js';

describe('heartbeat', () => {
  it('pings once as the connection goes live, after the resume replay', () => {
    const { clock, server, client, events } = createHarness();
    server.pongDelayMs = 25;
    client.connect();
    const first = server.sent('ping');
    expect(first).toHaveLength(1);
    // The resume went out before the ping: the server is live when the ping reaches it.
    const kinds = (server.frames.get(server.last.id) ?? []).map((m) => m.type);
    expect(kinds.indexOf('resume')).toBeLessThan(kinds.indexOf('ping'));
    clock.advance(25);
    expect(events.pong).toEqual([
      expect.objectContaining({ id: first[0]!.id, rttMs: 25, onTime: true }),
    ]);
    // The period runs from the connect, not from that first ping.
    clock.advance(30_000 - 25 - 1);
    expect(server.sent('ping')).toHaveLength(1);
    clock.advance(1);
    expect(server.sent('ping')).toHaveLength(2);
    client.dispose();
  });

  it('heartbeat.pingOnConnect false waits a whole interval for the first ping', () => {
    const { clock, server, client } = createHarness({ heartbeat: { pingOnConnect: false } });
    client.connect();
    clock.advance(29_999);
    expect(server.sent('ping')).toHaveLength(0);
    clock.advance(1);
    expect(server.sent('ping')).toHaveLength(1);
    client.dispose();
  });

  it('pings every 30 s and reports the RTT matched by ping id', () => {
    const { clock, server, client, events } = createHarness({
      heartbeat: { pingOnConnect: false },
    });
    server.pongDelayMs = 40;
    client.connect();
    clock.advance(29_999);
    expect(server.sent('ping')).toHaveLength(0);
    clock.advance(1);
    expect(server.sent('ping')).toHaveLength(1);
    clock.advance(30_040);
    const pings = server.sent('ping');
    expect(pings).toHaveLength(2);
    expect(events.pong.map((p) => [p.id, p.rttMs, p.onTime])).toEqual([
      [pings[0]!.id, 40, true],
      [pings[1]!.id, 40, true],
    ]);
    expect(client.quality).toBe('good');
    client.dispose();
  });

  it('turns poor exactly 10 s after an unanswered ping, probes at once, and recovers on an on-time pong', () => {
    const { clock, server, client, events } = createHarness({
      heartbeat: { pingOnConnect: false },
    });
    client.connect();
    server.blackhole = true;
    clock.advance(30_000); // ping 1 goes unanswered
    clock.advance(9_999);
    expect(client.quality).toBe('good');
    clock.advance(1);
    expect(client.quality).toBe('poor');
    expect(events.quality).toEqual([{ from: 'good', to: 'poor', at: T0 + 40_000 }]);
    const pings = server.sent('ping');
    expect(pings).toHaveLength(2); // the probe went out at the same instant

    // The link heals before the dead threshold: the next on-time pong restores good.
    server.blackhole = false;
    server.last.send({
      type: 'pong',
      id: pings[1]!.id,
      timestamp: new Date(clock.now()).toISOString(),
      serverTime: clock.now(),
    });
    expect(client.quality).toBe('good');
    expect(events.quality.at(-1)).toEqual({ from: 'poor', to: 'good', at: T0 + 40_000 });
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('declares a half-open link dead 20 s after the oldest unanswered ping: close 4000, reconnect', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    const first = server.last;
    clock.advance(30_000); // ping at 30 s answered (last frame received at 30 s)
    server.blackhole = true; // fault right after: the worst case for detection
    clock.advance(49_999);
    expect(client.state).toBe('connected');
    clock.advance(1); // ping at 60 s, poor at 70 s, dead at 80 s
    expect(first.closed).toMatchObject({ by: 'client', code: CloseCode.HEARTBEAT_TIMEOUT });
    const dead = events.state.find((s) => s.reason === 'heartbeat-timeout')!;
    expect(dead).toMatchObject({
      from: 'connected',
      to: 'reconnecting',
      closeCode: 4000,
      at: T0 + 80_000,
      detectionMs: 50_000,
      attempt: 1,
    });
    // Detected within 50 s of the fault (at 30 s), as the defaults promise.
    expect(dead.at - (T0 + 30_000)).toBeLessThanOrEqual(50_000);
    server.blackhole = false;
    clock.advance(1000);
    expect(client.state).toBe('connected');
    expect(client.stats().detectionMs).toMatchObject({ count: 1, max: 50_000 });
    client.dispose();
  });

  it('never mistakes 12 s of latency for a dead link (a late pong still answers its ping)', () => {
    const { clock, server, client, events } = createHarness();
    server.pongDelayMs = 12_000;
    client.connect();
    clock.advance(30 * 60_000);
    expect(client.state).toBe('connected');
    expect(server.connections).toHaveLength(1);
    expect(events.state.filter((s) => s.to === 'reconnecting')).toHaveLength(0);
    expect(client.quality).toBe('poor'); // slow, so poor; not dead
    expect(events.pong.length).toBeGreaterThan(60);
    expect(new Set(events.pong.map((p) => p.rttMs))).toEqual(new Set([12_000]));
    // Latency gone: the next on-time pong brings quality back.
    server.pongDelayMs = 0;
    clock.advance(30_000);
    expect(client.quality).toBe('good');
    client.dispose();
  });

  it('heartbeat.intervalMs 0 disables pings', () => {
    const { clock, server, client } = createHarness({ heartbeat: { intervalMs: 0 } });
    client.connect();
    clock.advance(10 * 60_000);
    expect(server.sent('ping')).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
    client.dispose();
  });

  it('does not judge pong lateness while the page is hidden, and restarts the heartbeat on visible', () => {
    const environment = createManualEnvironment();
    const { clock, server, client, events } = createHarness({
      environment,
      heartbeat: { pingOnConnect: false },
    });
    client.connect();
    environment.emit('hidden');
    server.pongDelayMs = 15_000; // throttled: pongs look late
    clock.advance(10 * 60_000);
    expect(client.quality).toBe('good');
    expect(client.state).toBe('connected');
    expect(events.pong.every((p) => p.throttled)).toBe(true);
    expect(client.stats().pongRttMs).toBeNull(); // throttled samples are not stats

    server.pongDelayMs = 0;
    const before = server.sent('ping').length;
    environment.emit('visible');
    expect(server.sent('ping')).toHaveLength(before + 1); // immediate ping on visible
    expect(events.pong.at(-1)).toMatchObject({ throttled: false, rttMs: 0 });
    client.dispose();
    expect(environment.listeners).toBe(0);
  });
});
