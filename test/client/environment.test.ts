import { describe, expect, it } from 'vitest';
import { createManualEnvironment } from '../../src/client/index.js';
import { createHarness, retryDelays } from './helpers.js';

describe('online / offline', () => {
  it('offline → disconnected (offline) without burning attempts; online → attempt now', () => {
    const environment = createManualEnvironment();
    const { clock, server, client, events } = createHarness({ environment });
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    client.connect();
    clock.advance(3000); // retries 1 and 2 failed; waiting 4 s for retry 3
    expect(events.state.at(-1)).toMatchObject({ to: 'reconnecting', attempt: 3 });

    environment.emit('offline');
    expect(client.state).toBe('disconnected');
    expect(events.state.at(-1)).toMatchObject({ to: 'disconnected', reason: 'offline' });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60 * 60_000);
    expect(server.connections).toHaveLength(3);

    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    environment.emit('online');
    // Attempt right away, as retry 3 again: being offline cost nothing.
    expect(server.connections).toHaveLength(4);
    expect(events.state.at(-2)).toMatchObject({ to: 'connecting', reason: 'online', attempt: 3 });
    expect(retryDelays(events)).toEqual([1000, 2000, 4000, 8000]);
    client.dispose();
  });

  it('offline closes an open connection; online reconnects at once', () => {
    const environment = createManualEnvironment();
    const { server, client } = createHarness({ environment });
    client.connect();
    environment.emit('offline');
    expect(server.connections[0]!.closed).toMatchObject({
      by: 'client',
      code: 1000,
      reason: 'offline',
    });
    environment.emit('online');
    expect(client.state).toBe('connected');
    expect(server.connections).toHaveLength(2);
    client.dispose();
  });

  it('online while waiting to retry attempts now', () => {
    const environment = createManualEnvironment();
    const { server, client } = createHarness({ environment });
    client.connect();
    server.last.drop();
    expect(client.state).toBe('reconnecting');
    environment.emit('online');
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('connect() while offline waits for online', () => {
    const environment = createManualEnvironment();
    const { server, client } = createHarness({ environment });
    environment.emit('offline');
    client.connect();
    expect(client.state).toBe('disconnected');
    expect(server.connections).toHaveLength(0);
    environment.emit('online');
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('online does not revive a client the app disconnected', () => {
    const environment = createManualEnvironment();
    const { server, client } = createHarness({ environment });
    client.connect();
    client.disconnect();
    environment.emit('offline');
    environment.emit('online');
    expect(client.state).toBe('disconnected');
    expect(server.connections).toHaveLength(1);
    client.dispose();
  });
});
