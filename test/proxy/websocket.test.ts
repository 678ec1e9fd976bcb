import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { startApi, type TestApi } from './helpers.js';
import { ManualClock } from './manual-clock.js';

/** Resolves once `predicate` holds, checking after each turn of the event loop. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

/** A WebSocket echo server on 127.0.0.1:0, behind one proxy. */
describe('WebSocket through the proxy', () => {
  let wss: WebSocketServer;
  let api: TestApi;
  let proxyUrl: string;
  // Toxic timers run on this clock: they fire only when a test advances it.
  let clock: ManualClock;
  const clients: WebSocket[] = [];
  /** Bytes proxy `ws` has read from the source (`received`) or written on (`sent`), per direction. */
  const traffic = (direction: 'upstream' | 'downstream', field: 'received' | 'sent'): number =>
    api.server.proxies.traffic
      .all()
      .filter((c) => c.labels.proxy === 'ws' && c.labels.direction === direction)
      .reduce((sum, c) => sum + (field === 'received' ? c.receivedBytes : c.sentBytes), 0);

  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) =>
      socket.on('message', (data: Buffer) => socket.send(data.toString())),
    );
    clock = new ManualClock();
    api = await startApi({ clock });
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

  it('downstream latency delays the server reply by exactly latency', async () => {
    const client = await open();
    // No toxic: the echo comes back while the clock stands still.
    await roundTrip(client, 'warm');
    const proxy = await api.client.get('ws');
    await proxy.addToxic({ type: 'latency', attributes: { latency: 200 } } as never);
    const sentBefore = traffic('downstream', 'sent');
    const readBefore = traffic('downstream', 'received');
    const reply = new Promise<string>((resolve) =>
      client.once('message', (data: Buffer) => resolve(data.toString())),
    );
    client.send('slow');
    // The proxy has the reply from the server, and holds it.
    await until(() => traffic('downstream', 'received') > readBefore);
    clock.advance(199);
    expect(traffic('downstream', 'sent')).toBe(sentBefore);
    clock.advance(1);
    expect(traffic('downstream', 'sent')).toBe(traffic('downstream', 'received'));
    expect(await reply).toBe('slow');
  });

  it('timeout 0 blackholes a live socket without closing it', async () => {
    const client = await open();
    await roundTrip(client, 'warm');
    const proxy = await api.client.get('ws');
    await proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } } as never);
    const received: string[] = [];
    client.on('message', (data: Buffer) => received.push(data.toString()));
    // The toxic sits on the downstream stream: the server gets the frame, its echo is dropped.
    const sentDownstream = traffic('downstream', 'sent');
    const readDownstream = traffic('downstream', 'received');
    client.send('into the void');
    await until(() => traffic('downstream', 'received') > readDownstream);
    // An hour of silence later, the echo has not been passed on and nothing was closed.
    clock.advance(3_600_000);
    expect(traffic('downstream', 'sent')).toBe(sentDownstream);
    // And the other direction still carries frames to the server.
    const [serverSide] = [...wss.clients];
    const upstreamAlive = new Promise<string>((resolve) => {
      serverSide!.once('message', (data: Buffer) => resolve(data.toString()));
      serverSide!.once('close', () => resolve('closed'));
    });
    client.send('still here');
    expect(await upstreamAlive).toBe('still here');
    expect(client.readyState).toBe(WebSocket.OPEN);
    expect(received).toEqual([]);
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
    const readUpstream = traffic('upstream', 'received');
    client.send('trigger');
    // The trigger arms the reset; timeout 0 fires it on the next clock step.
    await until(() => traffic('upstream', 'received') > readUpstream);
    clock.advance(0);
    expect(await closed).toBe(1006);
  });
});
