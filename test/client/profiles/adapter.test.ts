// The client with foreign profiles against real `ws` servers on port 0 that speak other
// protocols: a JSON heartbeat without ids, one that echoes ids, control frames only.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  createClient,
  createNodeTransport,
  type Client,
  type ClientError,
  type ClientOptions,
} from '../../../src/client/node.js';
import type { BreachAlertMessage } from '../../../src/protocol/index.js';

interface Foreign {
  url: string;
  upgrades: IncomingMessage[];
  sockets: WebSocket[];
  /** Every text frame the server received, in order. */
  received: string[];
  next(): Promise<WebSocket>;
}

let http: Server | undefined;
let wss: WebSocketServer | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  for (const socket of wss?.clients ?? []) socket.terminate();
  wss?.close();
  if (http !== undefined) {
    http.closeAllConnections();
    await new Promise((resolve) => http!.close(resolve));
  }
  http = undefined;
  wss = undefined;
});

/** A foreign server: `onText(socket, text)` answers frames (default: nothing). */
async function foreign(
  onText: (socket: WebSocket, text: string) => void = () => {},
  options: { autoPong?: boolean; protocols?: boolean } = {},
): Promise<Foreign> {
  const upgrades: IncomingMessage[] = [];
  const sockets: WebSocket[] = [];
  const received: string[] = [];
  const waiting: ((socket: WebSocket) => void)[] = [];
  const unclaimed: WebSocket[] = [];
  wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  wss.on('connection', (socket: WebSocket) => {
    sockets.push(socket);
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      received.push(text);
      onText(socket, text);
    });
    const waiter = waiting.shift();
    if (waiter === undefined) unclaimed.push(socket);
    else waiter(socket);
  });
  http = createServer();
  http.on('upgrade', (req, socket, head) => {
    upgrades.push(req);
    wss!.handleUpgrade(req, socket, head, (ws) => wss!.emit('connection', ws, req));
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    upgrades,
    sockets,
    received,
    next: () => {
      const socket = unclaimed.shift();
      if (socket !== undefined) return Promise.resolve(socket);
      return new Promise<WebSocket>((resolve) => waiting.push(resolve));
    },
  };
}

function start(options: Omit<ClientOptions, 'transport'>): Client {
  const client = createClient({
    transport: createNodeTransport(),
    environment: null,
    backoff: { jitter: 'none', initialDelayMs: 50, maxDelayMs: 50 },
    ...options,
  });
  clients.push(client);
  client.connect();
  return client;
}

function nextEvent<T>(client: Client, event: 'alert' | 'error' | 'pong', count = 1): Promise<T[]> {
  const seen: T[] = [];
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      seen.push(payload as T);
      if (seen.length === count) {
        off();
        resolve(seen);
      }
    });
  });
}

const djangoPong = (socket: WebSocket, text: string): void => {
  if ((JSON.parse(text) as { type?: string }).type === 'ping') {
    socket.send(JSON.stringify({ type: 'pong', timestamp: new Date().toISOString() }));
  }
};

describe('the django-channels profile', () => {
  it('opens the trailing-slash path with the token in Authorization and no subprotocol', async () => {
    const server = await foreign(djangoPong);
    const pongs = start({
      url: server.url,
      userId: 'alice',
      getToken: () => 'tok-1',
      profile: 'django-channels',
    });
    await nextEvent(pongs, 'pong');
    const upgrade = server.upgrades[0]!;
    expect(upgrade.url).toBe('/ws/breach-alerts/alice/');
    expect(upgrade.headers.authorization).toBe('Bearer tok-1');
    expect(upgrade.headers['sec-websocket-protocol']).toBeUndefined();
    expect(server.received[0]).toBe('{"type":"ping"}');
    expect(pongs.state).toBe('connected');
    expect(pongs.quality).toBe('good');
  });

  it('matches pongs without ids by order, and delivers alerts with their payload', async () => {
    const server = await foreign(djangoPong);
    const client = start({
      url: server.url,
      userId: 'bob',
      profile: 'django-channels',
      heartbeat: { intervalMs: 50 },
    });
    const pongsSeen = nextEvent<{ id: string; onTime: boolean }>(client, 'pong', 3);
    const socket = await server.next();
    const pongs = await pongsSeen;
    expect(pongs.map((pong) => pong.id)).toEqual(['p1', 'p2', 'p3']);
    expect(pongs.every((pong) => pong.onTime)).toBe(true);

    const alerts = nextEvent<BreachAlertMessage>(client, 'alert', 2);
    const data = { id: 'a-7', severity: 'high', title: 'Password found in a paste', extra: [1] };
    socket.send(JSON.stringify({ type: 'breach_alert', data }));
    socket.send(JSON.stringify({ type: 'breach_alert', data: { id: 'a-8' } }));
    const [first, second] = await alerts;
    expect(first).toMatchObject({
      seq: 1,
      id: 'a-7',
      userId: 'bob',
      severity: 'HIGH',
      title: 'Password found in a paste',
      payload: data,
    });
    expect(second).toMatchObject({ seq: 2, id: 'a-8', severity: 'MEDIUM', title: '(untitled)' });
  });

  it('drops an alert id seen before, also on a later connection', async () => {
    const server = await foreign(djangoPong);
    const client = start({ url: server.url, userId: 'carol', profile: 'django-channels' });
    const delivered: string[] = [];
    client.on('alert', (alert) => delivered.push(alert.id));
    const first = await server.next();
    first.send(JSON.stringify({ type: 'breach_alert', data: { id: 'x1' } }));
    first.send(JSON.stringify({ type: 'breach_alert', data: { id: 'x1' } }));
    first.send(JSON.stringify({ type: 'breach_alert', data: { id: 'x2' } }));
    await nextEvent(client, 'pong');
    const again = server.next();
    first.terminate();
    const second = await again;
    const last = nextEvent<BreachAlertMessage>(client, 'alert');
    second.send(JSON.stringify({ type: 'breach_alert', data: { id: 'x2' } }));
    second.send(JSON.stringify({ type: 'breach_alert', data: { id: 'x3' } }));
    expect((await last)[0]).toMatchObject({ id: 'x3', seq: 3 });
    expect(delivered).toEqual(['x1', 'x2', 'x3']);
  });

  it('reports the first frame it cannot place, once per connection, quoted', async () => {
    const server = await foreign(djangoPong);
    const client = start({ url: server.url, userId: 'dave', profile: 'django-channels' });
    const errors = nextEvent<ClientError>(client, 'error');
    const socket = await server.next();
    socket.send(JSON.stringify({ type: 'pong', id: 'p0', serverTime: 1 }).replace('pong', 'pang'));
    socket.send('second unexpected frame');
    const [error] = await errors;
    expect(error!.code).toBe('CLIENT_PROFILE_MISMATCH');
    expect(error!.message).toBe(
      'profile json does not match this frame from the server: "{\\"type\\":\\"pang\\",\\"id\\":\\"p0\\",\\"serverTime\\":1}"',
    );
    const all: ClientError[] = [];
    client.on('error', (e) => all.push(e));
    socket.send('x'.repeat(300));
    await nextEvent(client, 'pong');
    expect(all).toEqual([]);
  });

  it('goes poor on a late pong and declares a silent link dead', async () => {
    let answer = true;
    const server = await foreign((socket, text) => {
      if (answer) djangoPong(socket, text);
    });
    const client = start({
      url: server.url,
      userId: 'erin',
      profile: 'django-channels',
      heartbeat: { intervalMs: 100, pongTimeoutMs: 150 },
    });
    await nextEvent(client, 'pong');
    answer = false;
    const closed = new Promise<number>((resolve) =>
      client.on('state', (change) => {
        if (change.from === 'connected') resolve(change.closeCode ?? -1);
      }),
    );
    const qualities: string[] = [];
    client.on('quality', (change) => qualities.push(change.to));
    expect(await closed).toBe(4000);
    expect(qualities).toEqual(['poor']);
  });
});

describe('a json profile whose service echoes the ping id', () => {
  it('writes the id where asked and correlates by it, not by order', async () => {
    const server = await foreign((socket, text) => {
      const frame = JSON.parse(text) as { op: string; ref: string };
      // Never answers the first ping: by order the next pong would be taken for it.
      if (frame.ref !== 'p1') socket.send(JSON.stringify({ op: 'pong', ref: frame.ref }));
    });
    const client = start({
      url: `${server.url}/live/{user}?v=2`,
      userId: 'frank',
      heartbeat: { intervalMs: 40 },
      profile: {
        kind: 'json',
        ping: { frame: { op: 'ping' }, idPointer: '/ref' },
        pong: { match: { '/op': 'pong' }, idPointer: '/ref' },
        token: { in: 'query', name: 'access_token' },
        subprotocols: ['v2.alerts'],
      },
      getToken: () => 'secret',
    });
    const pongs = await nextEvent<{ id: string }>(client, 'pong', 2);
    expect(pongs.map((pong) => pong.id)).toEqual(['p2', 'p3']);
    expect(server.received.slice(0, 2)).toEqual([
      '{"op":"ping","ref":"p1"}',
      '{"op":"ping","ref":"p2"}',
    ]);
    expect(server.upgrades[0]!.url).toBe('/live/frank?v=2&access_token=secret');
    expect(server.upgrades[0]!.headers.authorization).toBeUndefined();
    expect(server.upgrades[0]!.headers['sec-websocket-protocol']).toBe('v2.alerts');
  });
});

describe('the ws-ping profile', () => {
  it('measures control-frame round trips and takes every JSON frame as an alert', async () => {
    const server = await foreign();
    const client = start({
      url: `${server.url}/ws/{user}`,
      userId: 'gina',
      profile: 'ws-ping',
      heartbeat: { intervalMs: 50 },
      getToken: () => 't',
    });
    const pongsSeen = nextEvent<{ id: string; rttMs: number }>(client, 'pong', 2);
    const socket = await server.next();
    const pongs = await pongsSeen;
    expect(pongs.map((pong) => pong.id)).toEqual(['p1', 'p2']);
    expect(server.received).toEqual([]);
    const alerts = nextEvent<BreachAlertMessage>(client, 'alert');
    socket.send(JSON.stringify({ severity: 'critical', title: 'leak' }));
    expect((await alerts)[0]).toMatchObject({ seq: 1, severity: 'CRITICAL', title: 'leak' });
  });

  it('declares the link dead when control pongs stop', async () => {
    const server = await foreign(() => {}, { autoPong: false });
    const client = start({
      url: `${server.url}/ws/{user}`,
      userId: 'hank',
      profile: 'ws-ping',
      heartbeat: { intervalMs: 100, pongTimeoutMs: 150 },
    });
    const code = await new Promise<number>((resolve) =>
      client.on('state', (change) => {
        if (change.from === 'connected') resolve(change.closeCode ?? -1);
      }),
    );
    expect(code).toBe(4000);
  });
});

describe('profile options', () => {
  it('refuses a bad profile and the fallback with a foreign profile', () => {
    const transport = createNodeTransport();
    expect(() => createClient({ url: 'ws://h', userId: 'u', transport, profile: 'mqtt' })).toThrow(
      'profile: expected a profile name (stormwatch, json, ws-ping, socketio, django-channels) or an object, got "mqtt"',
    );
    expect(() =>
      createClient({ url: 'ws://h', userId: 'u', transport, profile: 'ws-ping', fallback: true }),
    ).toThrow('fallback: needs the stormwatch profile');
  });
});
