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
 * The memory transport, with sockets that take every echo offered (or none) and let the test
 * decide when to complete or play it out.
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
          if (take) {
            ping.rearm();
            pending = ping;
          }
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
  });
  const settle = (how: 'complete' | 'replay') => {
    const ping = pending;
    pending = undefined;
    ping?.[how]();
  };
  return {
    clock,
    server,
    client,
    offers,
    settle,
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
    client.dispose();
  });

  it('a taken echo sends no frame, rearms the ping timer and completes with the pong event', () => {
    const { clock, server, client, offers, events, settle } = echoingHarness(true);
    client.connect();
    clock.advance(30_000);
    expect(offers.map((o) => o.at - T0)).toEqual([30_000]);
    clock.advance(12.5);
    settle('complete');
    expect(server.sent('ping')).toHaveLength(0);
    expect(events.pong).toEqual([
      { id: 'p1', rttMs: 12.5, onTime: true, throttled: false, at: T0 + 30_012.5 },
    ]);
    expect(client.stats().pongRttMs).toMatchObject({ count: 1, avg: 12.5 });
    // The ping timer was rearmed at 30 s: the next offer comes at 60 s, with the next id.
    clock.advance(30_000 - 12.5);
    expect(offers.map((o) => o.at - T0)).toEqual([30_000, 60_000]);
    settle('complete');
    expect(events.pong.at(-1)!.id).toBe('p2');
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('a played-out echo sends the ping after all; anything the client does first flushes it', () => {
    const { clock, server, client, events, flushes, settle } = echoingHarness(true);
    client.connect();
    clock.advance(30_000);
    settle('replay');
    expect(server.sent('ping').map((p) => p.id)).toEqual(['p1']);
    // The fake server answers it: the pong comes through the frame path.
    expect(events.pong.map((p) => p.id)).toEqual(['p1']);
    clock.advance(30_000);
    expect(flushes()).toBe(0);
    // An echo is in flight (offered at 60 s); disconnecting plays it out first.
    client.disconnect();
    expect(flushes()).toBe(1);
    expect(server.sent('ping').map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(client.state).toBe('disconnected');
  });
});
