import { describe, expect, it } from 'vitest';
import {
  createClient,
  createMemoryTransport,
  SimulatedClock,
  type EchoedPing,
  type Transport,
} from '../../../src/client/index.js';
import { capture, FakeAlertServer, T0 } from '../helpers.js';

/**
 * The memory transport, with sockets that take every heartbeat offered (or none) and let the
 * test report pongs and decide how to hand the heartbeat back.
 */
function echoingHarness(take: boolean) {
  const clock = new SimulatedClock(T0);
  const memory = createMemoryTransport();
  const server = new FakeAlertServer(clock, memory.server);
  const offers: Array<{ at: number; ping: EchoedPing }> = [];
  let pending: EchoedPing | undefined;
  let flushes = 0;
  const transport: Transport = {
    open: (request, handlers) => {
      const socket = memory.transport.open(request, handlers);
      return {
        send: (data) => socket.send(data),
        close: (code, reason) => socket.close(code, reason),
        echoPing: (ping) => {
          offers.push({ at: clock.now(), ping });
          if (take) pending = ping;
          return take;
        },
        // As the simulator's links: something is about to happen, so the ping goes out after all.
        flush: () => {
          const ping = pending;
          pending = undefined;
          if (ping === undefined) return;
          flushes += 1;
          ping.replay();
        },
      };
    },
  };
  const client = createClient({
    url: 'ws://alerts.test',
    userId: 'alice',
    clock,
    transport,
    environment: null,
    backoff: { jitter: 'none' },
    // These tests follow the periodic pings alone.
    heartbeat: { pingOnConnect: false },
  });
  const pongs = (sentAt: number[], arrivedAt: number[]) =>
    pending?.pongs(
      arrivedAt,
      arrivedAt.map((at, i) => at - sentAt[i]!),
    );
  const handBack = (how: 'replay' | 'rearm') => {
    const ping = pending;
    pending = undefined;
    if (ping === undefined) return;
    if (how === 'replay') ping.replay();
    else {
      ping.release();
      ping.rearm();
    }
  };
  return {
    clock,
    server,
    client,
    offers,
    pongs,
    handBack,
    events: capture(client),
    flushes: () => flushes,
  };
}

describe('createClient — echoed pings', () => {
  it('offers each due ping; a refused offer sends the frame', () => {
    const { clock, server, client, offers, events } = echoingHarness(false);
    client.connect();
    clock.advance(95_000);
    expect(server.sent('ping')).toHaveLength(3);
    expect(offers.map((o) => o.at - T0)).toEqual([30_000, 60_000, 90_000]);
    expect(events.pong).toHaveLength(3);
    // Pongs read off the wire are batches of one.
    expect(events.pongs.map((b) => b.rttMs.length)).toEqual([1, 1, 1]);
    expect(events.pongs.map((b) => b.at[0])).toEqual(events.pong.map((p) => p.at));
    client.dispose();
  });

  it('a taken heartbeat sends no frame; reported pongs are events; handed back, the timer runs on', () => {
    const { clock, server, client, offers, events, pongs, handBack } = echoingHarness(true);
    client.connect();
    clock.advance(30_000);
    expect(offers.map((o) => o.at - T0)).toEqual([30_000]);
    // The transport plays three pings (at 30, 60 and 90 s) and reports their pongs at once.
    clock.advance(65_000);
    pongs([T0 + 30_000, T0 + 60_000, T0 + 90_000], [T0 + 30_012.5, T0 + 60_010, T0 + 90_011]);
    expect(server.sent('ping')).toHaveLength(0);
    expect(events.pong).toEqual([
      { id: 'p1', rttMs: 12.5, onTime: true, throttled: false, at: T0 + 30_012.5 },
      { id: 'p2', rttMs: 10, onTime: true, throttled: false, at: T0 + 60_010 },
      { id: 'p3', rttMs: 11, onTime: true, throttled: false, at: T0 + 90_011 },
    ]);
    // The same three as one batch.
    expect(events.pongs).toEqual([
      { at: [T0 + 30_012.5, T0 + 60_010, T0 + 90_011], rttMs: [12.5, 10, 11], throttled: false },
    ]);
    expect(client.stats().pongRttMs).toMatchObject({ count: 3, p50: 11, max: 12.5 });
    expect(offers).toHaveLength(1);
    // Handed back before the next ping: the timer is set again (as the ping at 90 s set it).
    clock.travel(T0 + 90_000, 0, () => handBack('rearm'));
    clock.advance(25_000);
    expect(offers.map((o) => o.at - T0)).toEqual([30_000, 120_000]);
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('builds pong events only for listeners; pongs batches and the stats take every pong without them', () => {
    const { clock, client, pongs } = echoingHarness(true);
    const batches: number[][] = [];
    const built: string[] = [];
    client.on('pongs', (batch) => batches.push([...batch.rttMs]));
    client.connect();
    clock.advance(95_000);
    pongs([T0 + 30_000, T0 + 60_000], [T0 + 30_020, T0 + 60_030]);
    expect(batches).toEqual([[20, 30]]);
    expect(client.stats().pongRttMs).toMatchObject({ count: 2, max: 30 });
    // A pong listener from now on sees the next batch one by one too.
    const off = client.on('pong', (pong) => built.push(`${pong.id}:${pong.rttMs}`));
    pongs([T0 + 90_000], [T0 + 90_005]);
    expect(built).toEqual(['p3:5']);
    expect(batches).toEqual([[20, 30], [5]]);
    off();
    client.dispose();
  });

  it('a played-out echo sends the ping after all; anything the client does first flushes it', () => {
    const { clock, server, client, events, flushes, handBack } = echoingHarness(true);
    client.connect();
    clock.advance(30_000);
    handBack('replay');
    expect(server.sent('ping').map((p) => p.id)).toEqual(['p1']);
    // The fake server answers it: the pong comes through the frame path.
    expect(events.pong.map((p) => p.id)).toEqual(['p1']);
    clock.advance(30_000);
    expect(flushes()).toBe(0);
    // A heartbeat is taken (offered at 60 s); disconnecting plays its ping out first.
    client.disconnect();
    expect(flushes()).toBe(1);
    expect(server.sent('ping').map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(client.state).toBe('disconnected');
  });
});
