import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createNodeTransport, SimulatedClock, type CloseInfo } from '../../../src/client/node.js';

let http: Server | undefined;
let wss: WebSocketServer | undefined;

afterEach(async () => {
  for (const client of wss?.clients ?? []) client.terminate();
  wss?.close();
  if (http !== undefined) {
    http.closeAllConnections();
    await new Promise((resolve) => http!.close(resolve));
  }
  http = undefined;
  wss = undefined;
});

/** An HTTP server on port 0 that upgrades, or refuses with `refuse(req)` when it returns a response. */
async function listen(
  refuse: (
    req: IncomingMessage,
  ) => { status: number; headers?: Record<string, string> } | undefined,
): Promise<{ url: string; upgrades: IncomingMessage[] }> {
  const upgrades: IncomingMessage[] = [];
  wss = new WebSocketServer({ noServer: true, handleProtocols: () => 'stormwatch.v1' });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => ws.send(`echo:${data.toString('utf8')}`));
  });
  http = createServer();
  http.on('upgrade', (req, socket, head) => {
    upgrades.push(req);
    const refusal = refuse(req);
    if (refusal !== undefined) {
      const headers = Object.entries(refusal.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.end(
        `HTTP/1.1 ${refusal.status} Refused\r\n${headers.join('')}Content-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss!.handleUpgrade(req, socket, head, (ws) => wss!.emit('connection', ws, req));
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/ws/breach-alerts/alice`, upgrades };
}

function openAndWait(url: string, token: string | undefined, clock = new SimulatedClock(0)) {
  const transport = createNodeTransport({ clock });
  const events: string[] = [];
  let resolveClose!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => (resolveClose = resolve));
  let resolveOpen!: () => void;
  const opened = new Promise<void>((resolve) => (resolveOpen = resolve));
  const socket = transport.open(
    { url, token },
    {
      onOpen: () => {
        events.push('open');
        resolveOpen();
      },
      onMessage: (data) => events.push(String(data)),
      onClose: resolveClose,
    },
  );
  return { socket, events, closed, opened };
}

describe('createNodeTransport', () => {
  it('sends Authorization: Bearer and the stormwatch.v1 subprotocol; text frames arrive as strings', async () => {
    const { url, upgrades } = await listen(() => undefined);
    const { socket, events, opened, closed } = openAndWait(url, 'jwt-123');
    await opened;
    expect(upgrades[0]!.headers.authorization).toBe('Bearer jwt-123');
    expect(upgrades[0]!.headers['sec-websocket-protocol']).toBe('stormwatch.v1');
    socket.send('ping');
    await new Promise<void>((resolve) => {
      const check = (): void => (events.length >= 2 ? resolve() : void setImmediate(check));
      check();
    });
    expect(events).toEqual(['open', 'echo:ping']);
    socket.close(1000, 'bye');
    await expect(closed).resolves.toMatchObject({ code: 1000, reason: 'bye', wasClean: true });
  });

  it('reports the HTTP status of a refused upgrade', async () => {
    const { url } = await listen(() => ({ status: 401 }));
    const info = await openAndWait(url, 'bad').closed;
    expect(info).toMatchObject({ code: 1006, wasClean: false, httpStatus: 401 });
    expect(info.retryAfterMs).toBeUndefined();
  });

  it('reports Retry-After of a 429 in seconds or as an HTTP-date (read on the injected clock)', async () => {
    let n = 0;
    const { url } = await listen(() =>
      ++n === 1
        ? { status: 429, headers: { 'Retry-After': '3' } }
        : { status: 429, headers: { 'Retry-After': 'Thu, 01 Jan 2026 00:00:10 GMT' } },
    );
    const first = await openAndWait(url, undefined).closed;
    expect(first).toMatchObject({ httpStatus: 429, retryAfterMs: 3000 });
    const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
    const second = await openAndWait(url, undefined, clock).closed;
    expect(second).toMatchObject({ httpStatus: 429, retryAfterMs: 10_000 });
  });

  it('reports a connection refused as close 1006', async () => {
    const { url } = await listen(() => undefined);
    http!.closeAllConnections();
    await new Promise((resolve) => http!.close(resolve));
    http = undefined;
    const info = await openAndWait(url, undefined).closed;
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    expect(info.httpStatus).toBeUndefined();
  });

  it('aborts a pending upgrade on close()', async () => {
    const { url } = await listen(() => undefined);
    const { socket, closed } = openAndWait(url, undefined);
    socket.close(1000, 'connect timeout');
    await expect(closed).resolves.toMatchObject({ code: 1006 });
  });
});
