import { describe, expect, it } from 'vitest';
import { createHarness } from './helpers.js';

describe('failover', () => {
  it('rotates successive attempts through the urls in order', () => {
    const { clock, server, client, events } = createHarness({
      urls: ['ws://a.test', 'ws://b.test:8080/', 'wss://c.test/prefix'],
    });
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    client.connect();
    clock.advance(20_000);
    expect(server.connections.map((c) => c.url)).toEqual([
      'ws://a.test/ws/breach-alerts/alice',
      'ws://b.test:8080/ws/breach-alerts/alice',
      'wss://c.test/prefix/ws/breach-alerts/alice',
      'ws://a.test/ws/breach-alerts/alice',
      'ws://b.test:8080/ws/breach-alerts/alice',
    ]);
    // Once one endpoint accepts, the client stays there; after a drop it moves on to the next.
    server.admit = () => ({ kind: 'accept' });
    clock.advance(16_000);
    expect(client.state).toBe('connected');
    expect(events.state.at(-1)).toMatchObject({
      url: 'wss://c.test/prefix/ws/breach-alerts/alice',
    });
    client.dispose();
  });
});
