import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../src/protocol/index.js';
import {
  ClientErrorCode,
  createClient,
  createSeededRandom,
  isClientError,
} from '../../../src/client/index.js';
import { createHarness, retryDelays, T0 } from '../helpers.js';

const SPEC_DELAYS_MS = [1, 2, 4, 8, 16, 30, 30, 30, 30, 30].map((s) => s * 1000);

describe('createClient — backoff schedule', () => {
  it('retries after exactly 1, 2, 4, 8, 16, 30, 30, 30, 30, 30 s, then fails with an event', () => {
    const { clock, server, client, events } = createHarness();
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    client.connect();
    clock.advance(10 * 60_000);

    expect(retryDelays(events)).toEqual(SPEC_DELAYS_MS);
    // Each attempt opens when its delay has elapsed, measured from the previous failure.
    const opened = server.connections.map((c) => c.id);
    expect(opened).toHaveLength(11);
    const attemptTimes = events.state.filter((s) => s.to === 'connecting').map((s) => s.at - T0);
    const expected = [0];
    for (const delay of SPEC_DELAYS_MS) expected.push(expected.at(-1)! + delay);
    expect(attemptTimes).toEqual(expected);

    const last = events.state.at(-1)!;
    expect(last).toMatchObject({ from: 'connecting', to: 'failed', reason: 'max-attempts' });
    expect(last.at - T0).toBe(181_000);
    expect(client.state).toBe('failed');
    expect(events.error.map((e) => e.code)).toContain(ClientErrorCode.ATTEMPTS_EXHAUSTED);
    expect(clock.pendingTimers).toBe(0);
    client.dispose();
  });

  it('reconnect() after failed starts over at attempt 0 with the 1 s delay', () => {
    const { clock, server, client, events } = createHarness({ backoff: { maxAttempts: 2 } });
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    client.connect();
    clock.advance(60_000);
    expect(client.state).toBe('failed');
    expect(retryDelays(events)).toEqual([1000, 2000]);

    client.reconnect();
    expect(events.state.at(-2)).toMatchObject({
      to: 'connecting',
      reason: 'reconnect',
      attempt: 0,
    });
    clock.advance(60_000);
    expect(retryDelays(events)).toEqual([1000, 2000, 1000, 2000]);
    expect(client.state).toBe('failed');
    client.dispose();
  });

  it.each(['full', 'equal', 'decorrelated'] as const)(
    'with %s jitter and a seeded random, every delay stays within its mode’s bounds and the client gives up after 181 s',
    (jitter) => {
      const { clock, server, client, events } = createHarness({
        backoff: { jitter },
        random: createSeededRandom(42),
      });
      server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
      client.connect();
      clock.advance(10 * 60_000);
      const delays = retryDelays(events);
      // Jittered delays are shorter than nominal: more attempts fit in the same budget.
      expect(delays.length).toBeGreaterThan(10);
      expect(delays.reduce((a, b) => a + b, 0)).toBe(181_000);
      expect(events.state.at(-1)).toMatchObject({ to: 'failed', reason: 'max-attempts' });
      expect(events.state.at(-1)!.at - T0).toBe(181_000);
      let previous = 1000;
      // The last delay is cut short to land on the end of the budget.
      delays.slice(0, -1).forEach((delay, i) => {
        const nominal = SPEC_DELAYS_MS[Math.min(i, SPEC_DELAYS_MS.length - 1)]!;
        const [low, high] =
          jitter === 'full'
            ? [0, nominal - 1]
            : jitter === 'equal'
              ? [nominal / 2, nominal - 1]
              : [1000, Math.min(30_000, 3 * previous)];
        expect(delay).toBeGreaterThanOrEqual(low);
        expect(delay).toBeLessThanOrEqual(high);
        previous = delay;
      });
      expect(delays).not.toEqual(SPEC_DELAYS_MS);
      expect(client.state).toBe('failed');
      client.dispose();
    },
  );

  it('connect() from failed also starts over', () => {
    const { clock, server, client, events } = createHarness({ backoff: { maxAttempts: 1 } });
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    client.connect();
    clock.advance(10_000);
    expect(client.state).toBe('failed');
    server.admit = () => ({ kind: 'accept' });
    client.connect();
    expect(client.state).toBe('connected');
    expect(events.state.at(-1)).toMatchObject({ to: 'connected', attempt: 0 });
    client.dispose();
  });
});

describe('createClient — minimum uptime', () => {
  it('does not refill the retry budget when connections drop before minUptimeMs (flapping)', () => {
    const { clock, server, client, events } = createHarness();
    // Every connection is accepted, then dropped 4.9 s later: just short of the 5 s minimum.
    server.admit = (connection) => {
      clock.setTimeout(() => connection.drop(), 4900);
      return { kind: 'accept' };
    };
    client.connect();
    clock.advance(30 * 60_000);
    // The 181 s budget runs from the first drop and counts the flaps' 4.9 s too: after eight
    // retries 160.2 s are spent, so the ninth waits only the 20.8 s left.
    expect(retryDelays(events)).toEqual([1, 2, 4, 8, 16, 30, 30, 30, 20.8].map((s) => s * 1000));
    expect(client.state).toBe('failed');
    // The last retry, at the end of the budget, is accepted too and drops 4.9 s later.
    expect(events.state.at(-1)!.at - T0).toBe(4900 + 181_000 + 4900);
    client.dispose();
  });

  it('backs off from a server that accepts and closes with 1008 at once, and never gives up on it', () => {
    const { clock, server, client, events } = createHarness({
      backoff: { jitter: 'full' },
      random: createSeededRandom(7),
    });
    server.admit = (connection) => {
      clock.setTimeout(() => connection.close(CloseCode.POLICY, 'too many messages'), 100);
      return { kind: 'accept' };
    };
    client.connect();
    clock.advance(30 * 60_000);
    const delays = retryDelays(events);
    // Half an hour of accept-and-close: still retrying, the budget is not burnt by policy closes.
    expect(client.state).not.toBe('failed');
    expect(delays.length).toBeGreaterThan(50);
    // Each wait is at least half the nominal delay, and the counter keeps growing to the cap.
    delays.forEach((delay, i) => {
      const nominal = SPEC_DELAYS_MS[Math.min(i, SPEC_DELAYS_MS.length - 1)]!;
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThan(nominal);
    });
    expect(events.state.filter((s) => s.to === 'reconnecting').at(-1)?.attempt).toBe(delays.length);
    client.dispose();
  });

  it('resets the retry counter once a connection stays up for minUptimeMs', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    server.last.drop();
    clock.advance(1000); // retry 1 connects
    server.last.drop();
    clock.advance(2000); // retry 2 connects
    expect(client.state).toBe('connected');
    clock.advance(4999);
    server.last.drop(); // not stable yet: the next delay continues at retry 3
    expect(retryDelays(events)).toEqual([1000, 2000, 4000]);
    clock.advance(4000);
    expect(client.state).toBe('connected');
    clock.advance(5000); // stable now
    expect(client.attempt).toBe(0);
    server.last.drop();
    expect(retryDelays(events)).toEqual([1000, 2000, 4000, 1000]);
    client.dispose();
  });
});

describe('createClient — lifecycle', () => {
  it('keeps exactly one live socket and ignores events from superseded sockets', () => {
    const { clock, server, client, events } = createHarness();
    server.admit = () => ({ kind: 'pending' });
    client.connect();
    const first = server.last;
    client.reconnect();
    const second = server.last;
    expect(first.state).toBe('closed');
    expect(first.closed).toMatchObject({ by: 'client', code: CloseCode.NORMAL });
    expect(server.live).toEqual([second]);

    // The superseded socket speaks up late: ignored.
    first.accept();
    expect(client.state).toBe('connecting');
    server.open(second);
    expect(client.state).toBe('connected');
    first.send(server.publish());
    expect(events.alert).toHaveLength(1); // delivered once, via the live socket only
    for (let i = 0; i < 20; i++) {
      server.last.drop();
      clock.advance(60_000);
      expect(server.live.length).toBeLessThanOrEqual(1);
    }
    client.dispose();
  });

  it('disconnect() closes with 1000 and never reconnects', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    client.disconnect();
    expect(server.last.closed).toMatchObject({ by: 'client', code: 1000 });
    expect(events.state.at(-1)).toMatchObject({
      from: 'connected',
      to: 'disconnected',
      reason: 'client',
    });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(24 * 60 * 60_000);
    expect(server.connections).toHaveLength(1);
    client.dispose();
  });

  it('disconnect() while waiting to retry cancels the retry', () => {
    const { clock, server, client } = createHarness();
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    client.connect();
    expect(client.state).toBe('reconnecting');
    client.disconnect();
    clock.advance(60_000);
    expect(server.connections).toHaveLength(1);
    expect(client.state).toBe('disconnected');
    client.dispose();
  });

  it('dispose() leaves no pending timers, closes the socket and rejects further use', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    clock.advance(45_000);
    expect(clock.pendingTimers).toBeGreaterThan(0);
    client.dispose();
    expect(clock.pendingTimers).toBe(0);
    expect(server.last.closed).toMatchObject({ by: 'client', code: 1000, reason: 'disposed' });
    expect(client.disposed).toBe(true);
    expect(() => client.connect()).toThrow(
      expect.objectContaining({ code: ClientErrorCode.DISPOSED }),
    );
    expect(events.state.at(-1)).toMatchObject({ to: 'disconnected', reason: 'disposed' });
    client.dispose(); // idempotent
  });

  it('on() returns an unsubscribe function', () => {
    const { client, server } = createHarness();
    const seen: number[] = [];
    const off = client.on('alert', (alert) => seen.push(alert.seq));
    client.connect();
    server.publish();
    off();
    server.publish();
    expect(seen).toEqual([1]);
    client.dispose();
  });

  it('a listener may call back into the client (run-to-completion)', () => {
    const { client, server, events } = createHarness();
    client.on('alert', () => client.disconnect());
    client.connect();
    server.publish();
    expect(client.state).toBe('disconnected');
    expect(server.sent('ack')).toEqual([{ type: 'ack', seq: 1 }]);
    expect(events.state.map((s) => s.to)).toEqual(['connecting', 'connected', 'disconnected']);
    client.dispose();
  });

  it('starts disconnected with quality undefined until connected', () => {
    const { client } = createHarness();
    expect(client.state).toBe('disconnected');
    expect(client.quality).toBeUndefined();
    client.connect();
    expect(client.quality).toBe('good');
    client.dispose();
  });

  it('rejects bad options with CLIENT_INVALID_OPTIONS naming the option', () => {
    const bad = [
      { userId: 'alice' },
      { userId: '', url: 'ws://x' },
      { userId: 'alice', url: 'ftp://x' },
      { userId: 'alice', url: 'ws://x', backoff: { jitter: 'sometimes' as never } },
      { userId: 'alice', url: 'ws://x', heartbeat: { pongTimeoutMs: -1 } },
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        createClient({ transport: { open: () => ({ send() {}, close() {} }) }, ...options });
      } catch (caught) {
        error = caught;
      }
      expect(isClientError(error, ClientErrorCode.INVALID_OPTIONS)).toBe(true);
    }
  });

  it('without a transport outside a browser, asks for the Node transport', () => {
    expect(() => createClient({ userId: 'alice', url: 'ws://x' })).toThrow(/createNodeTransport/);
  });
});
