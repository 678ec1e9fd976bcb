import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { quietPeriod, startApi, type TestApi } from './helpers.js';

/** A WebSocket echo server on 127.0.0.1:0, behind one proxy. */
describe('WebSocket through the proxy', () => {
  let wss: WebSocketServer;
  let api: TestApi;
  let proxyUrl: string;
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) =>
      socket.on('message', (data: Buffer) => socket.send(data.toString())),
    );
    api = await startApi();
    const proxy = await api.client.createProxy({
      name: 'ws',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${(wss.address() as { port: number }).port}`,
    });
    proxyUrl = `ws://${proxy.listen}`;
  });

  afterEach(async () => {
    for (const client of clients) client.terminate();
    clients.length = 0;
    await api.close();
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  const open = async (): Promise<WebSocket> => {
    const client = new WebSocket(proxyUrl);
    client.on('error', () => undefined);
    clients.push(client);
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    return client;
  };
  const roundTrip = async (client: WebSocket, text: string): Promise<number> => {
    const start = performance.now();
    const reply = new Promise<string>((resolve) =>
      client.once('message', (data: Buffer) => resolve(data.toString())),
    );
    client.send(text);
    expect(await reply).toBe(text);
    return performance.now() - start;
  };

  it('downstream latency delays the server reply by ~latency', async () => {
    const client = await open();
    expect(await roundTrip(client, 'warm')).toBeLessThan(100);
    const proxy = await api.client.get('ws');
    await proxy.addToxic({ type: 'latency', attributes: { latency: 200 } } as never);
    const elapsed = await roundTrip(client, 'slow');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(800);
  });

  it('timeout 0 blackholes a live socket without closing it', async () => {
    const client = await open();
    await roundTrip(client, 'warm');
    const proxy = await api.client.get('ws');
    await proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } } as never);
    let received = 0;
    client.on('message', () => received++);
    client.send('into the void');
    await quietPeriod(250);
    expect(received).toBe(0);
    expect(client.readyState).toBe(WebSocket.OPEN);
  });

  it('reset_peer gives the client an abnormal close (1006)', async () => {
    const client = await open();
    await roundTrip(client, 'warm');
    const proxy = await api.client.get('ws');
    await proxy.addToxic({
      type: 'reset_peer',
      stream: 'upstream',
      attributes: { timeout: 0 },
    } as never);
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    client.send('trigger');
    expect(await closed).toBe(1006);
  });
});
