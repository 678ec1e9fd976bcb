import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/protocol/index.js';
import { ClientErrorCode } from '../../src/client/index.js';
import { advance, createHarness, flush, retryDelays } from './helpers.js';

const HOUR_MS = 60 * 60_000;

describe('close rules', () => {
  it('4403 → disconnected (forbidden), never retried', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    server.last.close(CloseCode.FORBIDDEN, 'forbidden');
    expect(client.state).toBe('disconnected');
    expect(events.state.at(-1)).toMatchObject({
      to: 'disconnected',
      reason: 'forbidden',
      closeCode: 4403,
    });
    expect(events.error.map((e) => e.code)).toEqual([ClientErrorCode.FORBIDDEN]);
    clock.advance(HOUR_MS);
    expect(server.connections).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
    client.dispose();
  });

  it('an upgrade refused with 403 → disconnected (forbidden), never retried', () => {
    const { clock, server, client, events } = createHarness();
    server.admit = () => ({ kind: 'refuse', httpStatus: 403 });
    client.connect();
    expect(events.state.at(-1)).toMatchObject({
      to: 'disconnected',
      reason: 'forbidden',
      httpStatus: 403,
    });
    clock.advance(HOUR_MS);
    expect(server.connections).toHaveLength(1);
    client.dispose();
  });

  it('4401 → refreshes the token once and retries at once with the new token', async () => {
    let calls = 0;
    const getToken = (): Promise<string> => Promise.resolve(`token-${++calls}`);
    const { clock, server, client, events } = createHarness({ getToken });
    client.connect();
    await flush();
    expect(server.last.token).toBe('token-1');
    clock.advance(60_000);
    server.last.close(CloseCode.TOKEN_EXPIRED, 'token expired');
    expect(events.state.at(-1)).toMatchObject({ to: 'reconnecting', reason: 'auth', delayMs: 0 });
    await advance(clock, 0);
    expect(calls).toBe(2);
    expect(server.last.token).toBe('token-2');
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('a second auth failure in a row → failed (reason auth)', async () => {
    const { clock, server, client, events } = createHarness({ getToken: () => 'stale' });
    server.admit = () => ({ kind: 'refuse', httpStatus: 401 });
    client.connect();
    await advance(clock, 60_000);
    expect(server.connections).toHaveLength(2);
    expect(client.state).toBe('failed');
    expect(events.state.at(-1)).toMatchObject({ to: 'failed', reason: 'auth', httpStatus: 401 });
    expect(events.error.map((e) => e.code)).toEqual([ClientErrorCode.AUTH_FAILED]);
    await advance(clock, HOUR_MS);
    expect(server.connections).toHaveLength(2);
    client.dispose();
  });

  it('the one-refresh allowance comes back after a stable connection', async () => {
    const { clock, server, client } = createHarness({ getToken: () => 'token' });
    client.connect();
    await advance(clock, 10_000);
    server.last.close(CloseCode.TOKEN_EXPIRED);
    await advance(clock, 10_000); // reconnected and stable again
    server.last.close(CloseCode.TOKEN_EXPIRED);
    await advance(clock, 10_000);
    expect(client.state).toBe('connected');
    expect(server.connections).toHaveLength(3);
    client.dispose();
  });

  it('1013 → waits at least the retryAfterMs of the close reason', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    server.last.close(CloseCode.TRY_AGAIN_LATER, JSON.stringify({ retryAfterMs: 45_000 }));
    expect(events.state.at(-1)).toMatchObject({
      to: 'reconnecting',
      reason: 'rate-limited',
      closeCode: 1013,
      delayMs: 45_000,
    });
    clock.advance(44_999);
    expect(server.connections).toHaveLength(1);
    clock.advance(1);
    expect(server.connections).toHaveLength(2);
    client.dispose();
  });

  it('429 → waits at least Retry-After, and never less than the backoff delay', () => {
    const { clock, server, client, events } = createHarness();
    let refusals = 0;
    server.admit = () =>
      ++refusals === 1
        ? { kind: 'refuse', httpStatus: 429, retryAfterMs: 7000 }
        : refusals === 2
          ? { kind: 'refuse', httpStatus: 429, retryAfterMs: 500 }
          : { kind: 'accept' };
    client.connect();
    clock.advance(60_000);
    // Retry 1: Retry-After 7 s beats the 1 s backoff; retry 2: the 2 s backoff beats 0.5 s.
    expect(retryDelays(events)).toEqual([7000, 2000]);
    expect(events.state.find((s) => s.to === 'reconnecting')).toMatchObject({
      reason: 'rate-limited',
      httpStatus: 429,
    });
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('1013 without a usable reason falls back to backoff', () => {
    const { server, client, events } = createHarness();
    client.connect();
    server.last.close(CloseCode.TRY_AGAIN_LATER, 'not json');
    expect(events.state.at(-1)).toMatchObject({ reason: 'close', delayMs: 1000 });
    client.dispose();
  });

  it.each([
    [CloseCode.GOING_AWAY],
    [CloseCode.POLICY],
    [CloseCode.INTERNAL],
    [CloseCode.SERVICE_RESTART],
  ])('close %i → retried with backoff', (code) => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    clock.advance(10_000);
    server.last.close(code);
    expect(events.state.at(-1)).toMatchObject({
      to: 'reconnecting',
      reason: 'close',
      closeCode: code,
    });
    clock.advance(1000);
    expect(client.state).toBe('connected');
    expect(retryDelays(events)).toEqual([1000]);
    client.dispose();
  });

  it('an abrupt drop (1006) → retried with backoff', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    server.last.drop();
    expect(events.state.at(-1)).toMatchObject({ reason: 'close', closeCode: 1006, delayMs: 1000 });
    clock.advance(1000);
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('an attempt that does not open within connectTimeoutMs counts as failed', () => {
    const { clock, server, client, events } = createHarness({ connectTimeoutMs: 5000 });
    server.admit = () => ({ kind: 'pending' });
    client.connect();
    clock.advance(5000);
    expect(server.connections[0]!.state).toBe('closed');
    expect(events.state.at(-1)).toMatchObject({
      to: 'reconnecting',
      reason: 'connect-timeout',
      delayMs: 1000,
    });
    client.dispose();
  });
});
