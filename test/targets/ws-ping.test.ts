import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signToken } from '../../src/server/auth.js';
import { startWsPingTarget, type WsPingTarget } from '../../targets/ws-ping/server.js';
import { expectRefused, openPeer, type WsPeer } from '../helpers/ws-peer.js';

const SECRET = 'ws-ping-target-secret-long-enough-for-hs256';

const userToken = (sub: string, options: { expiresInS?: number; nowMs?: number } = {}) =>
  signToken({ sub, role: 'user', ...options }, SECRET);
const publisherToken = () => signToken({ sub: 'publisher', role: 'publisher' }, SECRET);

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function request(
  target: WsPingTarget,
  path: string,
  init: { method?: string; token?: string; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${target.httpUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function publish(target: WsPingTarget, userId: string, alert: object): Promise<Answer> {
  return request(target, '/publish', {
    method: 'POST',
    token: await publisherToken(),
    body: JSON.stringify({ userId, alert }),
  });
}

/** Opens a socket for `userId` with its own token. */
async function connect(target: WsPingTarget, userId: string): Promise<WsPeer> {
  return openPeer(target.wsUrl(userId), { token: await userToken(userId) });
}

/** Fails with `what` unless `promise` settles within `ms`: a deadline, not a wait. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves when `socket` closes, with the close code it saw. */
function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('ws-ping target', () => {
  let target: WsPingTarget;
  const peers: WsPeer[] = [];
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    target = await startWsPingTarget({ secret: SECRET, pingIntervalMs: 200 });
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.close()));
    for (const socket of sockets.splice(0)) socket.terminate();
    await target.close();
  });

  async function open(userId: string): Promise<WsPeer> {
    const peer = await connect(target, userId);
    peers.push(peer);
    return peer;
  }

  describe('upgrade authentication', () => {
    it('refuses a missing token with 401', async () => {
      const refusal = await expectRefused(target.wsUrl('alice'));
      expect(refusal.status).toBe(401);
      expect(JSON.parse(refusal.body)).toMatchObject({ code: 'TGT_UNAUTHORIZED' });
    });

    it('refuses a token signed with another secret with 401', async () => {
      const token = await signToken({ sub: 'alice' }, 'another-secret-of-sufficient-length');
      expect((await expectRefused(target.wsUrl('alice'), { token })).status).toBe(401);
    });

    it('refuses an expired token with 401', async () => {
      const token = await userToken('alice', { nowMs: Date.now() - 7_200_000, expiresInS: 60 });
      expect((await expectRefused(target.wsUrl('alice'), { token })).status).toBe(401);
    });

    it('refuses a token for another user with 403', async () => {
      const refusal = await expectRefused(target.wsUrl('alice'), {
        token: await userToken('mallory'),
      });
      expect(refusal.status).toBe(403);
      expect(JSON.parse(refusal.body)).toMatchObject({
        code: 'TGT_FORBIDDEN',
        error: 'expected a token for user "alice", got one for "mallory"',
      });
    });

    it('refuses a path other than /ws/<userId> with 404 and a bad user id with 400', async () => {
      const token = await userToken('alice');
      const base = target.httpUrl.replace(/^http/, 'ws');
      expect((await expectRefused(`${base}/socket/alice`, { token })).status).toBe(404);
      expect((await expectRefused(`${base}/ws/al%20ice`, { token })).status).toBe(400);
    });

    it('accepts the token from the Authorization header and from ?token=', async () => {
      await open('alice');
      const token = await userToken('alice');
      const peer = await openPeer(`${target.wsUrl('alice')}?token=${token}`);
      peers.push(peer);
      expect(peer.socket.readyState).toBe(WebSocket.OPEN);
    });
  });

  describe('control frames', () => {
    it("answers a client's ping with a pong carrying the same payload", async () => {
      const peer = await open('alice');
      const pong = new Promise<string>((resolve) =>
        peer.socket.once('pong', (data) => resolve(data.toString())),
      );
      peer.socket.ping('are-you-there');
      expect(await pong).toBe('are-you-there');
    });

    it('keeps pinging a client that answers, and keeps it open', async () => {
      const peer = await open('alice');
      const fourPings = new Promise<void>((resolve, reject) => {
        let pings = 0;
        peer.socket.on('ping', () => {
          if (++pings === 4) resolve();
        });
        peer.socket.once('close', (code) =>
          reject(new Error(`closed with ${code} after ${pings} pings`)),
        );
      });
      await within(5_000, fourPings, 'four pings');
      expect(peer.socket.readyState).toBe(WebSocket.OPEN);
    });

    it('terminates a client that stops answering pings within two intervals', async () => {
      const socket = new WebSocket(target.wsUrl('alice'), {
        headers: { authorization: `Bearer ${await userToken('alice')}` },
        autoPong: false,
      });
      sockets.push(socket);
      let pings = 0;
      socket.on('ping', () => pings++);
      await new Promise((resolve) => socket.once('open', resolve));
      const openedAt = performance.now();
      const code = await within(3_000, closed(socket), 'the close of a client that never pongs');
      // Terminated, not closed: no close frame, so the client sees 1006 (RFC 6455 §7.1.5).
      expect(code).toBe(1006);
      expect(pings).toBeGreaterThanOrEqual(1);
      expect(performance.now() - openedAt).toBeLessThan(1_500);
    });
  });

  describe('POST /publish', () => {
    it("delivers 50 alerts in order to each of a user's sockets and to no one else", async () => {
      const tabs = [await open('alice'), await open('alice')];
      const bob = await open('bob');
      for (let i = 0; i < 50; i++) {
        const answer = await publish(target, 'alice', { id: `a-${i}`, severity: 'HIGH' });
        expect(answer).toMatchObject({ status: 202, body: { ok: true, sockets: 2 } });
      }
      for (const tab of tabs) {
        for (let i = 0; i < 50; i++) {
          expect(await tab.next()).toEqual({ id: `a-${i}`, severity: 'HIGH' });
        }
      }
      // Bob's first frame is the marker published after Alice's 50: none of hers reached him.
      await publish(target, 'bob', { id: 'marker' });
      expect(await bob.next()).toEqual({ id: 'marker' });
      expect(bob.received).toHaveLength(1);
    });

    it('drops an alert for a user with no open socket: a later socket never sees it', async () => {
      expect(await publish(target, 'alice', { id: 'missed' })).toMatchObject({
        status: 202,
        body: { ok: true, sockets: 0 },
      });
      const peer = await open('alice');
      await publish(target, 'alice', { id: 'after' });
      expect(await peer.next()).toEqual({ id: 'after' });
    });

    it("ignores clients' text frames", async () => {
      const peer = await open('alice');
      peer.send({ type: 'ack', seq: 1 });
      peer.send('not json');
      await publish(target, 'alice', { id: 'still-here' });
      expect(await peer.next()).toEqual({ id: 'still-here' });
    });
  });

  it('closes open sockets with 1001 Going Away when it stops', async () => {
    const peer = await open('alice');
    await target.close();
    expect((await peer.closed).code).toBe(1001);
  });

  describe('HTTP errors', () => {
    const cases: {
      name: string;
      path?: string;
      method?: string;
      token?: 'publisher' | 'user' | 'none';
      body?: string;
      status: number;
      error?: string;
    }[] = [
      { name: 'no token', token: 'none', status: 401 },
      {
        name: 'a user token',
        token: 'user',
        status: 403,
        error: 'expected a token with role "publisher", got role "user"',
      },
      {
        name: 'invalid JSON',
        body: '{"userId":',
        status: 400,
        error: 'expected a JSON body {"userId": string, "alert": object}, got invalid JSON',
      },
      {
        name: 'an array body',
        body: '[]',
        status: 400,
        error: 'expected a JSON body {"userId": string, "alert": object}, got an array',
      },
      {
        name: 'a missing userId',
        body: '{"alert":{}}',
        status: 400,
        error: 'expected userId to be a string of 1-64 characters of [A-Za-z0-9_.-], got nothing',
      },
      {
        name: 'an alert that is not an object',
        body: '{"userId":"alice","alert":[1]}',
        status: 400,
        error: 'expected alert to be a JSON object, got an array',
      },
      {
        name: 'a body over 64 KiB',
        body: JSON.stringify({ userId: 'alice', alert: { pad: 'x'.repeat(64 * 1024) } }),
        status: 413,
      },
      { name: 'GET /publish', method: 'GET', status: 405 },
      { name: 'an unknown route', path: '/alerts', status: 404 },
      { name: 'POST /healthz', path: '/healthz', method: 'POST', status: 405 },
    ];

    it.each(cases)('answers $name with $status', async (c) => {
      const token =
        c.token === 'none'
          ? undefined
          : c.token === 'user'
            ? await userToken('alice')
            : await publisherToken();
      const method = c.method ?? 'POST';
      const answer = await request(target, c.path ?? '/publish', {
        method,
        ...(token === undefined ? {} : { token }),
        ...(method === 'POST' ? { body: c.body ?? '{"userId":"alice","alert":{}}' } : {}),
      });
      expect(answer.status).toBe(c.status);
      expect(answer.body).toHaveProperty('code');
      if (c.error !== undefined) expect(answer.body.error).toBe(c.error);
      if (c.status === 405) expect(answer.headers.get('allow')).toMatch(/POST|GET/);
    });

    it('answers GET /healthz with 200 {"ok":true}', async () => {
      expect(await request(target, '/healthz')).toMatchObject({ status: 200, body: { ok: true } });
    });
  });
});
