import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../../../src/protocol/index.js';
import { websocketBlock } from '../../../src/proxy/toxics/websocket-block.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { startApi, type TestApi } from '../helpers.js';
import { harness } from '../stage-harness.js';

const UPGRADE =
  'GET /ws/breach-alerts/alice HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n\r\n';

describe('websocket_block stage', () => {
  it('strips the upgrade headers of a first request head that asks for WebSocket', () => {
    const h = harness(websocketBlock, {});
    // The head arrives in two pieces; nothing passes until it is whole.
    h.write(UPGRADE.slice(0, 30));
    expect(h.emitted).toEqual([]);
    h.write(UPGRADE.slice(30));
    const text = h.emitted.map(([, t]) => t).join('');
    expect(text).toMatch(/^GET \/ws\/breach-alerts\/alice HTTP\/1.1\r\nHost: x\r\n/);
    expect(text).not.toMatch(/upgrade|sec-websocket/i);
    expect(text.endsWith('Connection: close\r\n\r\n')).toBe(true);
  });

  it('resets the connection instead with reset: 1', () => {
    const h = harness(websocketBlock, { reset: 1 });
    h.write(UPGRADE);
    expect(h.emitted).toEqual([]);
    expect(h.resets).toHaveLength(1);
  });

  it('passes plain requests and a connection already speaking WebSocket untouched', () => {
    const plain = harness(websocketBlock, {});
    plain.write('GET /api/alerts?since=0 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(plain.emitted.map(([, t]) => t)).toEqual([
      'GET /api/alerts?since=0 HTTP/1.1\r\nHost: x\r\n\r\n',
    ]);
    const live = harness(websocketBlock, {});
    live.write('\x81\x85abcdefghi');
    live.write(UPGRADE);
    expect(live.emitted.map(([, t]) => t)).toEqual(['\x81\x85abcdefghi', UPGRADE]);
  });

  it('validates reset', () => {
    expect(websocketBlock.validate({ reset: 2 })).toMatch(/reset must be 0 or 1/);
    expect(websocketBlock.validate({ reset: 0 })).toBeUndefined();
  });
});

describe('websocket_block in front of the alert server', () => {
  let server: TestServer;
  let api: TestApi;
  let base: string;

  beforeEach(async () => {
    server = await startServer();
    api = await startApi();
    const proxy = await api.client.createProxy({
      name: 'alerts',
      listen: '127.0.0.1:0',
      upstream: new URL(server.httpUrl).host,
    });
    base = `127.0.0.1:${proxy.listen.split(':').at(-1)}`;
  });

  afterEach(async () => {
    await api.close();
    await server.close();
  });

  const upgrade = async (): Promise<{ opened: boolean; status?: number; ws: WebSocket }> => {
    const token = await server.token('alice');
    const ws = new WebSocket(`ws://${base}/ws/breach-alerts/alice`, [SUBPROTOCOL], {
      headers: { authorization: `Bearer ${token}` },
    });
    return new Promise((resolve) => {
      ws.once('open', () => resolve({ opened: true, ws }));
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve({ opened: false, status: res.statusCode ?? 0, ws });
      });
      ws.once('error', () => resolve({ opened: false, ws }));
    });
  };

  it('the server answers a stripped upgrade without switching protocols; polls pass; live sockets stay', async () => {
    const before = await upgrade();
    expect(before.opened).toBe(true);
    const proxy = await api.client.get('alerts');
    const toxic = await proxy.addToxic({
      type: 'websocket_block',
      stream: 'upstream',
      attributes: { reset: 0 },
    } as never);

    const blocked = await upgrade();
    expect(blocked.opened).toBe(false);
    expect(blocked.status).toBeGreaterThanOrEqual(400);

    const poll = await fetch(`http://${base}/api/alerts?since=0&limit=0`, {
      headers: { authorization: `Bearer ${await server.token('alice')}` },
    });
    expect(poll.status).toBe(200);

    // The socket upgraded before the toxic still carries alerts.
    const got = new Promise<string>((resolve) =>
      before.ws.on('message', (data: Buffer) => {
        if (data.toString().includes('breach_alert')) resolve(data.toString());
      }),
    );
    before.ws.send(JSON.stringify({ type: 'resume', lastSeq: 0, epoch: '' }));
    await server.publish('alice', 'still here');
    expect(await got).toContain('still here');
    before.ws.terminate();

    await toxic.remove();
    const after = await upgrade();
    expect(after.opened).toBe(true);
    after.ws.terminate();
  });

  it('reset: 1 fails the upgrade at TCP level', async () => {
    const proxy = await api.client.get('alerts');
    await proxy.addToxic({
      type: 'websocket_block',
      stream: 'upstream',
      attributes: { reset: 1 },
    } as never);
    const blocked = await upgrade();
    expect(blocked.opened).toBe(false);
    expect(blocked.status).toBeUndefined();
  });
});
