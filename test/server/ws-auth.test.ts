import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SUBPROTOCOL } from '../../src/protocol/index.js';
import { expectRefused, openPeer } from '../helpers/ws-peer.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('WebSocket upgrade authentication', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('refuses a missing token with 401 and a JSON error', async () => {
    const refusal = await expectRefused(server.wsUrl('alice'));
    expect(refusal.status).toBe(401);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 'SRV_UNAUTHORIZED', statusCode: 401 });
  });

  it('refuses a token signed with another secret with 401', async () => {
    const refusal = await expectRefused(server.wsUrl('alice'), {
      token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
    });
    expect(refusal.status).toBe(401);
  });

  it('refuses an expired token with 401 and code SRV_TOKEN_EXPIRED', async () => {
    const token = await server.token('alice', { nowMs: Date.now() - 7200_000, expiresInS: 60 });
    const refusal = await expectRefused(server.wsUrl('alice'), { token });
    expect(refusal.status).toBe(401);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 'SRV_TOKEN_EXPIRED' });
  });

  it('refuses a token whose sub is another user with 403', async () => {
    const token = await server.token('mallory');
    const refusal = await expectRefused(server.wsUrl('alice'), { token });
    expect(refusal.status).toBe(403);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 'SRV_FORBIDDEN' });
  });

  it('accepts the token from the Authorization header', async () => {
    const peer = await openPeer(server.wsUrl('alice'), { token: await server.token('alice') });
    expect(await peer.next((m) => m.type === 'hello')).toMatchObject({ type: 'hello' });
    await peer.close();
  });

  it('accepts the token from a bearer subprotocol and selects stormwatch.v1', async () => {
    const token = await server.token('alice');
    const peer = await openPeer(server.wsUrl('alice'), {
      protocols: [SUBPROTOCOL, `bearer.${token}`],
    });
    expect(peer.socket.protocol).toBe(SUBPROTOCOL);
    await peer.next((m) => m.type === 'hello');
    await peer.close();
  });

  it('accepts the token from the token query parameter', async () => {
    const token = await server.token('alice');
    const peer = await openPeer(`${server.wsUrl('alice')}?token=${token}`);
    expect(await peer.next((m) => m.type === 'hello')).toMatchObject({
      type: 'hello',
      connectionId: expect.any(String) as unknown,
    });
    await peer.close();
    // The query token is checked like any other: another user's token is refused.
    const mallory = await server.token('mallory');
    const refusal = await expectRefused(`${server.wsUrl('alice')}?token=${mallory}`);
    expect(refusal.status).toBe(403);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 'SRV_FORBIDDEN' });
  });

  it('answers the 11th connection in a minute with 429 and Retry-After', async () => {
    const token = await server.token('bob');
    for (let i = 0; i < 10; i++) {
      const peer = await openPeer(server.wsUrl('bob'), { token });
      await peer.close();
    }
    const refusal = await expectRefused(server.wsUrl('bob'), { token });
    expect(refusal.status).toBe(429);
    const retryAfter = Number(refusal.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another user is not affected.
    const carol = await openPeer(server.wsUrl('carol'), { token: await server.token('carol') });
    await carol.close();
  });
});
