import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, type TokenClaims } from '../../src/server/index.js';
import { startDjangoTarget, type DjangoTarget } from '../helpers/django-target.js';
import { expectRefused, openPeer, type WsPeer } from '../helpers/ws-peer.js';

// Daphne and the Redis at 127.0.0.1:6379 are real; each target has a channel-layer prefix of
// its own and each test its own user ids, so tests share neither groups nor rate-limit windows.

const START_TIMEOUT_MS = 40_000;
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function newUserId(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

interface PublishResult {
  status: number;
  contentType: string | null;
  allow: string | null;
  body: unknown;
}

async function post(
  target: DjangoTarget,
  body: string,
  options: { token?: string; method?: string } = {},
): Promise<PublishResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const method = options.method ?? 'POST';
  const response = await fetch(`${target.httpUrl}/publish`, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    allow: response.headers.get('allow'),
    body: await response.json(),
  };
}

describe('Django Channels target', () => {
  let target: DjangoTarget;
  let publisherToken: string;
  const open: WsPeer[] = [];

  const token = (sub: string, claims: Omit<TokenClaims, 'sub'> = {}) =>
    signToken({ sub, ...claims }, target.secret);

  async function connect(userId: string, via: 'header' | 'query' = 'header'): Promise<WsPeer> {
    const jwt = await token(userId);
    const peer =
      via === 'header'
        ? await openPeer(target.wsUrl(userId), { token: jwt })
        : await openPeer(`${target.wsUrl(userId)}?token=${jwt}`);
    open.push(peer);
    return peer;
  }

  async function publish(userId: string, alert: Record<string, unknown>): Promise<void> {
    const result = await post(target, JSON.stringify({ userId, alert }), {
      token: publisherToken,
    });
    expect(result).toMatchObject({ status: 202, body: { ok: true } });
  }

  beforeAll(async () => {
    target = await startDjangoTarget();
    publisherToken = await signToken({ sub: 'publisher', role: 'publisher' }, target.secret);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(open.map((peer) => peer.close()));
    await target?.stop();
  });

  it('answers GET /healthz with 200 {"ok":true}', async () => {
    const response = await fetch(`${target.httpUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers a ping with a pong carrying the current time and no id', async () => {
    const peer = await connect(newUserId('ping'));
    const sentAtMs = Date.now();
    peer.send({ type: 'ping', id: 'p-1', extra: true });
    const pong = await peer.next();
    expect(Object.keys(pong).sort()).toEqual(['timestamp', 'type']);
    expect(pong.type).toBe('pong');
    expect(pong.timestamp).toMatch(ISO_MILLIS);
    expect(Math.abs(Date.parse(pong.timestamp as string) - sentAtMs)).toBeLessThan(3_000);
  });

  it('accepts the token in ?token= when no Authorization header is sent', async () => {
    const peer = await connect(newUserId('query'), 'query');
    peer.send({ type: 'ping' });
    expect(await peer.next()).toMatchObject({ type: 'pong' });
  });

  describe('refuses the handshake with HTTP 403', () => {
    it('without a token', async () => {
      const refusal = await expectRefused(target.wsUrl(newUserId('none')));
      expect(refusal.status).toBe(403);
    });

    it('with a token signed by another secret', async () => {
      const userId = newUserId('forged');
      const forged = await signToken({ sub: userId }, `${target.secret}-not`);
      expect((await expectRefused(target.wsUrl(userId), { token: forged })).status).toBe(403);
    });

    it("with a token whose sub is another user's", async () => {
      const other = await token(newUserId('other'));
      const refusal = await expectRefused(target.wsUrl(newUserId('victim')), { token: other });
      expect(refusal.status).toBe(403);
    });

    it('with an expired token', async () => {
      const userId = newUserId('expired');
      const expired = await token(userId, { nowMs: Date.now() - 7_200_000, expiresInS: 3_600 });
      expect((await expectRefused(target.wsUrl(userId), { token: expired })).status).toBe(403);
    });

    it('on a path without the trailing slash', async () => {
      const userId = newUserId('slash');
      const url = target.wsUrl(userId).replace(/\/$/, '');
      expect((await expectRefused(url, { token: await token(userId) })).status).toBe(403);
    });
  });

  it('sends 50 alerts published back to back to both tabs of the user, in order, and to no one else', async () => {
    const userId = newUserId('tabs');
    const bystanderId = newUserId('bystander');
    const tabs = [await connect(userId), await connect(userId)];
    const bystander = await connect(bystanderId);

    const alerts = Array.from({ length: 50 }, (_, i) => ({
      id: `alert-${i}`,
      severity: i % 2 === 0 ? 'HIGH' : 'LOW',
      title: `Credentials exposed #${i}`,
      nested: { n: i, tags: ['a', 'b'], ok: null },
    }));
    for (const alert of alerts) await publish(userId, alert);
    // The bystander's first frame must be its own alert: anything sent to it earlier would
    // have arrived before this one.
    await publish(bystanderId, { id: 'marker' });

    const expected = alerts.map((data) => ({ type: 'breach_alert', data }));
    for (const tab of tabs) {
      for (let i = 0; i < alerts.length; i++) await tab.next();
      expect(tab.received).toEqual(expected);
    }
    expect(await bystander.next()).toEqual({ type: 'breach_alert', data: { id: 'marker' } });
    expect(bystander.received).toHaveLength(1);
  });

  it('keeps the connection open after a frame that is not JSON or not a ping', async () => {
    const peer = await connect(newUserId('garbage'));
    peer.send('{not json');
    peer.send({ type: 'subscribe' });
    peer.send([1, 2]);
    peer.send({ type: 'ping' });
    expect(await peer.next()).toMatchObject({ type: 'pong' });
    expect(peer.received).toHaveLength(1);
    expect(peer.socket.readyState).toBe(peer.socket.OPEN);
  });

  describe('POST /publish errors', () => {
    const valid = JSON.stringify({ userId: 'someone', alert: { id: 'a' } });

    it('401 without a token', async () => {
      expect(await post(target, valid)).toEqual({
        status: 401,
        contentType: 'application/json',
        allow: null,
        body: { error: 'expected a bearer token, got none' },
      });
    });

    it('401 with a token signed by another secret', async () => {
      const forged = await signToken({ sub: 'p', role: 'publisher' }, `${target.secret}-not`);
      expect(await post(target, valid, { token: forged })).toEqual({
        status: 401,
        contentType: 'application/json',
        allow: null,
        body: { error: 'invalid token (Signature verification failed)' },
      });
    });

    it('401 with an expired publisher token', async () => {
      const expired = await token('p', {
        role: 'publisher',
        nowMs: Date.now() - 7_200_000,
        expiresInS: 3_600,
      });
      expect(await post(target, valid, { token: expired })).toMatchObject({
        status: 401,
        body: { error: 'token expired' },
      });
    });

    it('403 with a user token', async () => {
      expect(await post(target, valid, { token: await token('someone') })).toEqual({
        status: 403,
        contentType: 'application/json',
        allow: null,
        body: { error: "expected a token with role 'publisher', got 'user'" },
      });
    });

    it.each([
      ['{"userId":', /^expected a JSON body, got invalid JSON \(.+\)$/],
      [
        '{"userId":"a","alert":{"score":NaN}}',
        /^expected a JSON body, got invalid JSON \(NaN is not JSON\)$/,
      ],
      ['[1]', /^expected a JSON object, got an array$/],
      ['{"alert":{}}', /^expected userId, got no such field$/],
      ['{"userId":7,"alert":{}}', /^expected userId to be a string, got a number$/],
      [
        '{"userId":"a b","alert":{}}',
        /^expected userId to match \[A-Za-z0-9_\.-\]\{1,64\}, got 'a b'$/,
      ],
      [
        JSON.stringify({ userId: 'x'.repeat(65), alert: {} }),
        /^expected userId to match .+, got 'x{65}'$/,
      ],
      ['{"userId":"a"}', /^expected alert, got no such field$/],
      ['{"userId":"a","alert":["x"]}', /^expected alert to be an object, got an array$/],
      ['{"userId":"a","alert":null}', /^expected alert to be an object, got null$/],
    ])('400 for %s', async (body, error) => {
      const result = await post(target, body, { token: publisherToken });
      expect(result.status).toBe(400);
      expect(result.contentType).toBe('application/json');
      expect((result.body as { error: string }).error).toMatch(error);
      expect(Object.keys(result.body as object)).toEqual(['error']);
    });

    it('405 for GET, naming the allowed method', async () => {
      expect(await post(target, valid, { token: publisherToken, method: 'GET' })).toEqual({
        status: 405,
        contentType: 'application/json',
        allow: 'POST',
        body: { error: 'expected POST, got GET' },
      });
    });
  });
});

describe('Django Channels target connect limit', () => {
  let target: DjangoTarget;
  const open: WsPeer[] = [];

  beforeAll(async () => {
    target = await startDjangoTarget({ connectLimitPerMinute: 3 });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(open.map((peer) => peer.close()));
    await target?.stop();
  });

  it('refuses the 4th authenticated connect within the minute, and no other user', async () => {
    const userId = newUserId('hasty');
    const jwt = await signToken({ sub: userId }, target.secret);
    const forged = await signToken({ sub: userId }, `${target.secret}-not`);

    // Refused for their token, these do not count against the user.
    for (let i = 0; i < 3; i++) {
      expect((await expectRefused(target.wsUrl(userId), { token: forged })).status).toBe(403);
    }
    for (let i = 0; i < 3; i++) open.push(await openPeer(target.wsUrl(userId), { token: jwt }));
    expect((await expectRefused(target.wsUrl(userId), { token: jwt })).status).toBe(403);
    // Closing a socket gives no attempt back.
    await open[0]!.close();
    expect((await expectRefused(target.wsUrl(userId), { token: jwt })).status).toBe(403);

    const otherId = newUserId('patient');
    const other = await openPeer(target.wsUrl(otherId), {
      token: await signToken({ sub: otherId }, target.secret),
    });
    open.push(other);
    other.send({ type: 'ping' });
    expect(await other.next()).toMatchObject({ type: 'pong' });
  });
});
