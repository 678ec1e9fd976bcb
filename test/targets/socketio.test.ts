import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signToken } from '../../src/server/auth.js';
import {
  startSocketIoTarget,
  type SocketIoTarget,
  type SocketIoTargetOptions,
} from '../../targets/socketio/server.js';

const SECRET = 'socketio-target-secret-long-enough-for-hs256';

const userToken = (sub: string) => signToken({ sub, role: 'user' }, SECRET);
const publisherToken = () => signToken({ sub: 'publisher', role: 'publisher' }, SECRET);

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function request(
  target: SocketIoTarget,
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

async function publish(target: SocketIoTarget, userId: string, alert: object): Promise<Answer> {
  const answer = await request(target, '/publish', {
    method: 'POST',
    token: await publisherToken(),
    body: JSON.stringify({ userId, alert }),
  });
  expect(answer.status).toBe(202);
  return answer;
}

/** Fails with `what` unless `promise` settles within `ms`: a deadline, not a wait. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A Socket.IO client that buffers `breach_alert` payloads and awaits the ones asked for. */
interface Client {
  socket: Socket;
  alerts: unknown[];
  /** Resolves with the next `count` alerts not yet taken, in arrival order. */
  take(count: number): Promise<unknown[]>;
  /** Connects (again) and resolves once connected; rejects on connect_error. */
  connect(): Promise<void>;
}

function createClient(
  target: SocketIoTarget,
  auth: { token?: string; header?: string; query?: string },
  track: (socket: Socket) => void,
): Client {
  const socket = connectSocket(target.httpUrl, {
    transports: ['websocket'],
    // Tests reconnect by hand, after they have published what the client should miss.
    reconnection: false,
    autoConnect: false,
    forceNew: true,
    ...(auth.token === undefined ? {} : { auth: { token: auth.token } }),
    ...(auth.header === undefined ? {} : { extraHeaders: { authorization: auth.header } }),
    ...(auth.query === undefined ? {} : { query: { token: auth.query } }),
  });
  track(socket);
  const alerts: unknown[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  // With recovery on, Socket.IO appends the packet's offset as an extra argument.
  socket.on('breach_alert', (alert: unknown) => {
    alerts.push(alert);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    socket,
    alerts,
    take(count) {
      return new Promise((resolve) => {
        const check = (): void => {
          if (alerts.length - taken >= count) {
            resolve(alerts.slice(taken, taken + count));
            taken += count;
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
    connect() {
      return new Promise((resolve, reject) => {
        const onConnect = (): void => {
          socket.off('connect_error', onError);
          resolve();
        };
        const onError = (error: Error): void => {
          socket.off('connect', onConnect);
          reject(error);
        };
        socket.once('connect', onConnect);
        socket.once('connect_error', onError);
        socket.connect();
      });
    },
  };
}

/**
 * Closes the client's Engine.IO connection under the Socket.IO socket, with no Socket.IO
 * disconnect packet: the server sees a transport close, as after a network cut, and keeps the
 * session when recovery is on.
 */
async function dropTransport(client: Client): Promise<void> {
  const disconnected = new Promise<string>((resolve) =>
    client.socket.once('disconnect', (reason) => resolve(reason)),
  );
  client.socket.io.engine.close();
  expect(await disconnected).toBe('forced close');
}

describe('Socket.IO target', () => {
  let target: SocketIoTarget | undefined;
  const sockets: Socket[] = [];
  const rawSockets: WebSocket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    for (const socket of rawSockets.splice(0)) socket.terminate();
    await target?.close();
    target = undefined;
  });

  async function start(options: Partial<SocketIoTargetOptions> = {}): Promise<SocketIoTarget> {
    target = await startSocketIoTarget({ secret: SECRET, ...options });
    return target;
  }

  function client(t: SocketIoTarget, auth: { token?: string; header?: string; query?: string }) {
    return createClient(t, auth, (socket) => sockets.push(socket));
  }

  async function connected(t: SocketIoTarget, userId: string): Promise<Client> {
    const c = client(t, { token: await userToken(userId) });
    await c.connect();
    return c;
  }

  describe('handshake authentication', () => {
    it('refuses a missing token with connect_error "unauthorized"', async () => {
      const t = await start();
      const error = (await client(t, {})
        .connect()
        .then(
          () => undefined,
          (e: unknown) => e,
        )) as Error & { data?: { code?: string } };
      expect(error.message).toBe('unauthorized');
      expect(error.data?.code).toBe('TGT_UNAUTHORIZED');
    });

    it('refuses a token signed with another secret with connect_error "unauthorized"', async () => {
      const t = await start();
      const token = await signToken({ sub: 'alice' }, 'another-secret-of-sufficient-length');
      await expect(client(t, { token }).connect()).rejects.toThrow('unauthorized');
    });

    it('takes the token from auth.token, the Authorization header or ?token=', async () => {
      const t = await start();
      const token = await userToken('alice');
      const viaAuth = client(t, { token });
      const viaHeader = client(t, { header: `Bearer ${token}` });
      const viaQuery = client(t, { query: token });
      await Promise.all([viaAuth.connect(), viaHeader.connect(), viaQuery.connect()]);
      // All three joined alice's room: the token's sub is the user.
      expect(await publish(t, 'alice', { id: 'a-1' })).toMatchObject({
        body: { ok: true, sockets: 3 },
      });
      for (const c of [viaAuth, viaHeader, viaQuery])
        expect(await c.take(1)).toEqual([{ id: 'a-1' }]);
    });
  });

  describe('engine heartbeat', () => {
    it('pings a client that answers and keeps it connected', async () => {
      const t = await start({ pingIntervalMs: 100, pingTimeoutMs: 1_000 });
      const c = await connected(t, 'alice');
      await within(
        5_000,
        new Promise<void>((resolve) => {
          let pings = 0;
          c.socket.io.on('ping', () => {
            if (++pings === 4) resolve();
          });
        }),
        'four engine pings',
      );
      expect(c.socket.connected).toBe(true);
    });

    it('closes a client that stops answering pings after pingInterval + pingTimeout', async () => {
      const t = await start({ pingIntervalMs: 200, pingTimeoutMs: 200 });
      const token = await userToken('alice');
      // Engine.IO v4 by hand over a plain WebSocket, so nothing answers the server's "2" (ping).
      const socket = new WebSocket(
        `${t.httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
      );
      rawSockets.push(socket);
      const packets: string[] = [];
      const joined = new Promise<void>((resolve) => {
        socket.on('message', (data) => {
          const packet = (data as Buffer).toString();
          packets.push(packet);
          if (packet.startsWith('0{')) socket.send(`40${JSON.stringify({ token })}`);
          if (packet.startsWith('40{')) resolve();
        });
      });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await within(5_000, joined, 'the Socket.IO connect');
      // Engine.IO pings are messages; WebSocket control pings are still answered underneath.
      const pong = new Promise<string>((resolve) =>
        socket.once('pong', (data) => resolve(data.toString())),
      );
      socket.ping('control');
      expect(await pong).toBe('control');
      const joinedAt = performance.now();
      await within(3_000, closed, 'the close of a client that never answers pings');
      expect(packets).toContain('2');
      expect(performance.now() - joinedAt).toBeGreaterThanOrEqual(300);
    });
  });

  describe('POST /publish', () => {
    it("emits 50 alerts in order to each of a user's sockets and to no one else", async () => {
      const t = await start();
      const tabs = [await connected(t, 'alice'), await connected(t, 'alice')];
      const bob = await connected(t, 'bob');
      for (let i = 0; i < 50; i++) {
        const answer = await publish(t, 'alice', { id: `a-${i}`, severity: 'HIGH' });
        expect(answer.body).toEqual({ ok: true, sockets: 2 });
      }
      const expected = Array.from({ length: 50 }, (_, i) => ({ id: `a-${i}`, severity: 'HIGH' }));
      for (const tab of tabs) expect(await tab.take(50)).toEqual(expected);
      // Bob's first alert is the marker published after Alice's 50: none of hers reached him.
      await publish(t, 'bob', { id: 'marker' });
      expect(await bob.take(1)).toEqual([{ id: 'marker' }]);
      expect(bob.alerts).toHaveLength(1);
    });

    const cases: {
      name: string;
      method: string;
      path: string;
      token?: 'user' | 'publisher';
      body?: string;
      status: number;
    }[] = [
      { name: 'no token', method: 'POST', path: '/publish', status: 401 },
      { name: 'a user token', method: 'POST', path: '/publish', token: 'user', status: 403 },
      {
        name: 'invalid JSON',
        method: 'POST',
        path: '/publish',
        token: 'publisher',
        body: '{',
        status: 400,
      },
      {
        name: 'a body over 64 KiB',
        method: 'POST',
        path: '/publish',
        token: 'publisher',
        body: JSON.stringify({ userId: 'alice', alert: { pad: 'x'.repeat(64 * 1024) } }),
        status: 413,
      },
      { name: 'GET /publish', method: 'GET', path: '/publish', status: 405 },
      { name: 'an unknown route', method: 'GET', path: '/alerts', status: 404 },
    ];

    it.each(cases)('answers $name with $status, beside /socket.io/', async (c) => {
      const t = await start();
      const token =
        c.token === undefined
          ? undefined
          : c.token === 'user'
            ? await userToken('alice')
            : await publisherToken();
      const answer = await request(t, c.path, {
        method: c.method,
        ...(token === undefined ? {} : { token }),
        ...(c.method === 'POST' ? { body: c.body ?? '{"userId":"alice","alert":{}}' } : {}),
      });
      expect(answer.status).toBe(c.status);
      expect(answer.body).toHaveProperty('error');
    });

    it('answers GET /healthz with 200 {"ok":true}', async () => {
      const t = await start();
      expect(await request(t, '/healthz')).toMatchObject({ status: 200, body: { ok: true } });
    });
  });

  describe('connection-state recovery', () => {
    it('with recovery, replays the alerts published while the transport was down', async () => {
      const t = await start({ recovery: true });
      const c = await connected(t, 'alice');
      await publish(t, 'alice', { id: 'before' });
      expect(await c.take(1)).toEqual([{ id: 'before' }]);

      await dropTransport(c);
      for (let i = 0; i < 3; i++) await publish(t, 'alice', { id: `missed-${i}` });
      await c.connect();

      expect(c.socket.recovered).toBe(true);
      expect(await c.take(3)).toEqual([{ id: 'missed-0' }, { id: 'missed-1' }, { id: 'missed-2' }]);
    });

    it('without recovery, loses the alerts published while the transport was down', async () => {
      const t = await start({ recovery: false });
      const c = await connected(t, 'alice');
      await publish(t, 'alice', { id: 'before' });
      expect(await c.take(1)).toEqual([{ id: 'before' }]);

      await dropTransport(c);
      for (let i = 0; i < 3; i++) await publish(t, 'alice', { id: `missed-${i}` });
      await c.connect();

      // A server without recovery sends no session id, and the client leaves `recovered` unset.
      expect(c.socket.recovered).toBeUndefined();
      await publish(t, 'alice', { id: 'after' });
      expect(await c.take(1)).toEqual([{ id: 'after' }]);
    });

    it('with recovery, still loses them when the client had received no alert before the drop', async () => {
      // Socket.IO resumes from the offset of the last alert the client saw; with none, it cannot.
      const t = await start({ recovery: true });
      const c = await connected(t, 'alice');

      await dropTransport(c);
      for (let i = 0; i < 3; i++) await publish(t, 'alice', { id: `missed-${i}` });
      await c.connect();

      expect(c.socket.recovered).toBe(false);
      await publish(t, 'alice', { id: 'after' });
      expect(await c.take(1)).toEqual([{ id: 'after' }]);
    });

    it('with recovery, loses them across a server restart: sessions live in memory', async () => {
      const first = await start({ recovery: true });
      const c = await connected(first, 'alice');
      await publish(first, 'alice', { id: 'before' });
      expect(await c.take(1)).toEqual([{ id: 'before' }]);

      const disconnected = new Promise((resolve) => c.socket.once('disconnect', resolve));
      await first.close();
      target = undefined;
      await disconnected;
      const second = await start({ recovery: true, port: first.port });
      for (let i = 0; i < 3; i++) await publish(second, 'alice', { id: `missed-${i}` });
      await c.connect();

      expect(c.socket.recovered).toBe(false);
      await publish(second, 'alice', { id: 'after' });
      expect(await c.take(1)).toEqual([{ id: 'after' }]);
    });
  });
});
