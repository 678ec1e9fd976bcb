import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectTo,
  createFixture,
  ending,
  payload,
  readBytes,
  startApi,
  type Fixture,
} from './helpers.js';

describe('proxy data path', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture();
  });
  afterEach(() => fixture.close());

  it('carries bytes both ways unchanged and counts them', async () => {
    const socket = await fixture.connect();
    socket.write(payload(300_000));
    const { data } = await readBytes(socket, 300_000);
    expect(data.equals(payload(300_000))).toBe(true);
    const metrics = await (await fetch(`${fixture.api.url}/metrics`)).text();
    expect(metrics).toMatch(
      /toxiproxy_proxy_received_bytes_total\{direction="upstream",listener="127\.0\.0\.1:\d+",proxy="test",upstream="127\.0\.0\.1:\d+"\} 300000/,
    );
    expect(metrics).toMatch(
      /toxiproxy_proxy_sent_bytes_total\{direction="downstream",[^}]*\} 300000/,
    );
    expect(metrics).toContain('stormwatch_proxy_connections_open{proxy="test"} 1');
  });

  it('drops a deleted proxy’s byte counters from /metrics', async () => {
    const socket = await fixture.connect();
    socket.write(payload(1000));
    await readBytes(socket, 1000);
    const metrics = async () => (await fetch(`${fixture.api.url}/metrics`)).text();
    expect(await metrics()).toMatch(/^toxiproxy_proxy_received_bytes_total\{[^}]*proxy="test"/m);
    const deleted = await fetch(`${fixture.api.url}/proxies/test`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await metrics()).not.toContain('proxy="test"');
  });

  it('passes a server FIN on to the client as a FIN', async () => {
    const socket = await fixture.connect();
    const server = await fixture.upstream.nextSocket();
    const end = ending(socket);
    server.end('last words');
    const result = await end;
    expect(result.kind).toBe('end');
    expect(result.data.toString()).toBe('last words');
  });

  it('closes live connections and refuses new ones when disabled', async () => {
    const socket = await fixture.connect();
    const end = ending(socket);
    const proxy = await fixture.api.client.get('test');
    await proxy.update({ ...proxy.toJson(), enabled: false });
    expect(['end', 'reset']).toContain((await end).kind);
    await expect(connectTo(fixture.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await fixture.api.client.reset();
    const again = await fixture.connect();
    again.write('back');
    expect((await readBytes(again, 4)).data.toString()).toBe('back');
  });

  it('closes live connections when the proxy is deleted', async () => {
    const socket = await fixture.connect();
    const end = ending(socket);
    const response = await fetch(`${fixture.api.url}/proxies/test`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(['end', 'reset']).toContain((await end).kind);
  });

  it('closes the client when the upstream is unreachable', async () => {
    await fixture.upstream.close();
    const socket = await fixture.connect();
    const result = await ending(socket);
    expect(['end', 'reset']).toContain(result.kind);
  });
});

describe('proxy server lifecycle', () => {
  it('closes proxies and their connections on close()', async () => {
    const fixture = await createFixture();
    const socket = await fixture.connect();
    const end = ending(socket);
    await fixture.api.close();
    expect(['end', 'reset']).toContain((await end).kind);
    await fixture.close();
  });

  it('reports its address and can be closed twice', async () => {
    const api = await startApi();
    expect(api.server.address?.url).toBe(api.url);
    await api.close();
    await api.close();
    expect(api.server.address).toBeUndefined();
  });
});
