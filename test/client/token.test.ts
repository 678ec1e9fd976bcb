import { describe, expect, it } from 'vitest';
import { ClientErrorCode } from '../../src/client/index.js';
import { advance, createHarness, flush } from './helpers.js';

interface Deferred {
  promise: Promise<string>;
  resolve: (token: string) => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: (token: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('token provider', () => {
  it('is called before every attempt, so each reconnect presents a fresh token', async () => {
    let calls = 0;
    const { clock, server, client } = createHarness({
      getToken: async () => {
        await Promise.resolve();
        return `token-${++calls}`;
      },
    });
    client.connect();
    await flush();
    for (let i = 0; i < 3; i++) {
      await advance(clock, 10_000);
      server.last.drop();
    }
    await advance(clock, 1000);
    expect(server.connections.map((c) => c.token)).toEqual([
      'token-1',
      'token-2',
      'token-3',
      'token-4',
    ]);
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('never runs twice at once; a superseded attempt’s token is ignored', async () => {
    const requests: Deferred[] = [];
    const { server, client } = createHarness({
      getToken: () => {
        const d = deferred();
        requests.push(d);
        return d.promise;
      },
    });
    client.connect();
    expect(requests).toHaveLength(1);
    client.reconnect(); // supersedes the first attempt while its token is in flight
    client.reconnect();
    await flush();
    expect(requests).toHaveLength(1);
    expect(client.state).toBe('connecting');

    requests[0]!.resolve('stale');
    await flush();
    expect(server.connections).toHaveLength(0); // the stale token opened nothing
    expect(requests).toHaveLength(2);
    requests[1]!.resolve('fresh');
    await flush();
    expect(server.connections.map((c) => c.token)).toEqual(['fresh']);
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('a provider slower than the connect timeout still gets the client in, with its one token', async () => {
    // Each token takes 30 s: longer than the 20 s connect timeout. The attempt that asked for it
    // times out; the retry waits for the same request and opens with its token.
    const requests: Deferred[] = [];
    const { clock, server, client, events } = createHarness({
      getToken: () => {
        const d = deferred();
        requests.push(d);
        return d.promise;
      },
      backoff: { jitter: 'none' },
    });
    client.connect();
    await advance(clock, 20_000);
    expect(events.state.at(-1)).toMatchObject({ to: 'reconnecting', reason: 'connect-timeout' });
    await advance(clock, 1000); // the retry waits on the request in flight
    expect(requests).toHaveLength(1);
    await advance(clock, 9000);
    requests[0]!.resolve('slow');
    await flush();
    expect(server.connections.map((c) => c.token)).toEqual(['slow']);
    expect(client.state).toBe('connected');
    expect(requests).toHaveLength(1);
    client.dispose();
  });

  it('a token arriving after disconnect() opens nothing', async () => {
    const d = deferred();
    const { server, client } = createHarness({ getToken: () => d.promise });
    client.connect();
    client.disconnect();
    d.resolve('late');
    await flush();
    expect(server.connections).toHaveLength(0);
    expect(client.state).toBe('disconnected');
    client.dispose();
  });

  it('a failing provider is reported and retried with backoff', async () => {
    let calls = 0;
    const { clock, server, client, events } = createHarness({
      getToken: () => {
        calls++;
        if (calls === 1) throw new Error('auth service down');
        return Promise.resolve('ok');
      },
    });
    client.connect();
    await flush();
    expect(events.error.map((e) => e.code)).toEqual([ClientErrorCode.TOKEN_FAILED]);
    expect(events.error[0]!.cause).toEqual(new Error('auth service down'));
    expect(events.state.at(-1)).toMatchObject({
      to: 'reconnecting',
      reason: 'token-error',
      delayMs: 1000,
    });
    await advance(clock, 1000);
    expect(server.connections.map((c) => c.token)).toEqual(['ok']);
    client.dispose();
  });

  it('without a provider, connects with no token', () => {
    const { server, client } = createHarness();
    client.connect();
    expect(server.last.token).toBeUndefined();
    client.dispose();
  });
});
