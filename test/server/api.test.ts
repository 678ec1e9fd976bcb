import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

describe('HTTP API', () => {
  let server: TestServer;
  let publisher: string;
  beforeEach(async () => {
    server = await startServer();
    publisher = await server.token('ops', { role: 'publisher' });
  });
  afterEach(async () => {
    await server.close();
  });

  const post = (body: string, token = publisher, type = 'application/json') =>
    server.app.inject({
      method: 'POST',
      url: '/api/alerts',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      payload: body,
    });
  const valid = { userId: 'alice', severity: 'HIGH', title: 'Password leaked', source: 'hibp' };

  it('publishes and returns per-user seq numbers that are strictly increasing and gap-free', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await post(JSON.stringify(valid));
      expect(response.statusCode).toBe(201);
      const body = response.json<{ seq: number; id: string }>();
      expect(typeof body.id).toBe('string');
      seqs.push(body.seq);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    const bob = await post(JSON.stringify({ ...valid, userId: 'bob' }));
    expect(bob.json()).toMatchObject({ seq: 1 });
  });

  it('refuses publishing without a token (401) and with a user token (403)', async () => {
    const none = await server.app.inject({ method: 'POST', url: '/api/alerts', payload: valid });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'SRV_UNAUTHORIZED' });
    const user = await post(JSON.stringify(valid), await server.token('alice'));
    expect(user.statusCode).toBe(403);
    expect(user.json()).toMatchObject({ code: 'SRV_FORBIDDEN' });
  });

  const badBodies: Array<[string, string, RegExp]> = [
    ['malformed JSON', '{"userId": ', /JSON/i],
    ['a non-object', '[1]', /expected a JSON object/],
    [
      'a missing userId',
      JSON.stringify({ ...valid, userId: undefined }),
      /alert\.userId: expected a non-empty string/,
    ],
    [
      'an unknown severity',
      JSON.stringify({ ...valid, severity: 'SEVERE' }),
      /severity: expected one of LOW, MEDIUM, HIGH, CRITICAL, got "SEVERE"/,
    ],
    [
      'a numeric title',
      JSON.stringify({ ...valid, title: 7 }),
      /title: expected a non-empty string, got 7/,
    ],
    [
      'a bad detectedAt',
      JSON.stringify({ ...valid, detectedAt: 'yesterday' }),
      /detectedAt: expected an ISO-8601/,
    ],
    [
      'an oversized title',
      JSON.stringify({ ...valid, title: 'x'.repeat(501) }),
      /title: expected at most 500/,
    ],
    [
      'an unknown field',
      JSON.stringify({ ...valid, priority: 'urgent' }),
      /^alert: unknown field "priority"; expected only userId, severity, title, source, detectedAt$/,
    ],
    [
      'unknown fields',
      JSON.stringify({ ...valid, user: 'alice', sevrity: 'LOW' }),
      /^alert: unknown fields "user", "sevrity"; expected only /,
    ],
  ];
  for (const [name, body, message] of badBodies) {
    it(`answers ${name} with 400 and a JSON error`, async () => {
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      const error = response.json<{ code: string; message: string; statusCode: number }>();
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(message);
    });
  }

  it('answers a body over the limit with 413 and a wrong content type with 415', async () => {
    const big = await post(JSON.stringify({ ...valid, source: 'x'.repeat(70 * 1024) }));
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ statusCode: 413 });
    const text = await post('hello', publisher, 'text/plain');
    expect(text.statusCode).toBe(415);
  });

  it('serves history after a seq for polling clients', async () => {
    for (let i = 0; i < 4; i++) await post(JSON.stringify(valid));
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/alerts?since=2',
      headers: { authorization: `Bearer ${await server.token('alice')}` },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ alerts: { seq: number }[]; lastSeq: number; gap: boolean }>();
    expect(body.alerts.map((a) => a.seq)).toEqual([3, 4]);
    expect(body).toMatchObject({ lastSeq: 4, gap: false, missed: 0 });
  });

  it('rejects a non-numeric since with 400', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/alerts?since=abc',
      headers: { authorization: `Bearer ${await server.token('alice')}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(
      /since: expected an integer from 0 to/,
    );
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/nope?token=secret' });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ message: string }>().message).not.toContain('secret');
  });

  it('reports health and readiness', async () => {
    expect((await server.app.inject('/healthz')).json()).toEqual({
      status: 'ok',
      connections: 0,
      peakConnections: 0,
    });
    expect((await server.app.inject('/readyz')).json()).toMatchObject({ status: 'ready' });
  });
});

describe('token revocation', () => {
  it('closes sockets of tokens issued before the revocation with 4401 and refuses them with 401', async () => {
    const { openPeer, expectRefused } = await import('../helpers/ws-peer.js');
    const server = await startServer();
    try {
      const old = await server.token('alice', { nowMs: Date.now() - 5000 });
      const peer = await openPeer(server.wsUrl('alice'), { token: old });
      await peer.next((m) => m.type === 'hello');
      const publisher = await server.token('ops', { role: 'publisher' });
      const response = await fetch(`${server.httpUrl}/api/tokens/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${publisher}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ closed: 1 });
      expect((await peer.closed).code).toBe(4401);
      const refusal = await expectRefused(server.wsUrl('alice'), { token: old });
      expect(refusal.status).toBe(401);
      expect(JSON.parse(refusal.body)).toMatchObject({ code: 'SRV_TOKEN_REVOKED' });
      // A token fetched after the revocation works.
      const fresh = await openPeer(server.wsUrl('alice'), { token: await server.token('alice') });
      await fresh.next((m) => m.type === 'hello');
      await fresh.close();
    } finally {
      await server.close();
    }
  });

  it('needs a publisher token and says so for revoking, not publishing', async () => {
    const server = await startServer();
    try {
      const response = await fetch(`${server.httpUrl}/api/tokens/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await server.token('alice')}` },
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        code: 'SRV_FORBIDDEN',
        message: 'revoking tokens needs a token with role publisher',
      });
    } finally {
      await server.close();
    }
  });
});
