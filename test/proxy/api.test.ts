import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { TOXIPROXY_VERSION } from '../../src/proxy/index.js';
import {
  connectTo,
  readBytes,
  startApi,
  startUpstream,
  type TestApi,
  type TestUpstream,
} from './helpers.js';

describe('Toxiproxy API through toxiproxy-node-client', () => {
  let api: TestApi;
  let upstream: TestUpstream;
  beforeEach(async () => {
    api = await startApi();
    upstream = await startUpstream();
  });
  afterEach(async () => {
    await api.close();
    await upstream.close();
  });

  it('creates, lists, updates and removes proxies and toxics', async () => {
    const created = await api.client.createProxy({
      name: 'redis',
      listen: 'localhost:0',
      upstream: `127.0.0.1:${upstream.port}`,
    });
    expect(created.enabled).toBe(true);
    expect(created.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(created.listen).not.toBe('127.0.0.1:0');

    const toxic = await created.addToxic({
      type: 'latency',
      attributes: { latency: 100, jitter: 10 },
    } as never);
    expect(toxic.toJson()).toEqual({
      attributes: { latency: 100, jitter: 10 },
      name: 'latency_downstream',
      stream: 'downstream',
      toxicity: 1,
      type: 'latency',
    });
    const updated = await toxic.update({ attributes: { latency: 200 }, toxicity: 0.5 } as never);
    expect(updated.attributes).toEqual({ latency: 200, jitter: 10 });
    expect(updated.toxicity).toBe(0.5);
    expect((await created.getToxic('latency_downstream')).attributes).toEqual({
      latency: 200,
      jitter: 10,
    });

    const all = await api.client.getAll();
    expect(Object.keys(all)).toEqual(['redis']);
    const disabled = await created.update({ ...created.toJson(), enabled: false });
    expect(disabled.enabled).toBe(false);

    await api.client.reset();
    const afterReset = await api.client.get('redis');
    expect(afterReset.enabled).toBe(true);
    const raw = (await (await fetch(`${api.url}/proxies/redis`)).json()) as { toxics: unknown[] };
    expect(raw.toxics).toEqual([]);

    await updated.remove().catch(() => undefined);
    await afterReset.remove();
    expect(await api.client.getAll()).toEqual({});
  });

  it('populates from an array and reports the version', async () => {
    const proxies = await api.client.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` },
      { name: 'b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}`, enabled: false },
    ]);
    expect(Object.keys(proxies).sort()).toEqual(['a', 'b']);
    expect(proxies.b!.enabled).toBe(false);
    expect(await api.client.getVersion()).toBe(`{"version": "${TOXIPROXY_VERSION}"}\n`);
  });
});

describe('Toxiproxy API status codes and error bodies', () => {
  let api: TestApi;
  let busy: Server;
  const upstream = '127.0.0.1:1';
  beforeEach(async () => {
    api = await startApi();
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await api.close();
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      json: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  };
  const error = (message: string, status: number) => ({ error: message, status });

  it('answers 201/200/204 and echoes Toxiproxy field order and defaults', async () => {
    const created = await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream });
    expect(created.status).toBe(201);
    expect(Object.keys(created.json as object)).toEqual([
      'name',
      'listen',
      'upstream',
      'enabled',
      'toxics',
    ]);
    const toxic = await call('POST', '/proxies/p/toxics', { type: 'timeout', stream: 'upstream' });
    expect(toxic).toEqual({
      status: 200,
      json: {
        attributes: { timeout: 0 },
        name: 'timeout_upstream',
        type: 'timeout',
        stream: 'upstream',
        toxicity: 1,
      },
    });
    expect(
      (await call('PATCH', '/proxies/p/toxics/timeout_upstream', { toxicity: 0 })).status,
    ).toBe(200);
    expect((await call('GET', '/proxies/p/toxics')).json).toHaveLength(1);
    expect((await call('DELETE', '/proxies/p/toxics/timeout_upstream')).status).toBe(204);
    expect((await call('POST', '/reset')).status).toBe(204);
    expect((await call('DELETE', '/proxies/p')).status).toBe(204);
  });

  it('answers 400 for bad bodies, missing fields, bad stream, type and attributes', async () => {
    expect(await call('POST', '/proxies', '{nope')).toMatchObject({ status: 400 });
    expect(await call('POST', '/proxies', '')).toEqual({
      status: 400,
      json: error('bad request body: EOF', 400),
    });
    expect(await call('POST', '/proxies', { upstream })).toEqual({
      status: 400,
      json: error('missing required field: name', 400),
    });
    expect(await call('POST', '/proxies', { name: 'p' })).toEqual({
      status: 400,
      json: error('missing required field: upstream', 400),
    });
    expect(await call('POST', '/populate', [{ name: 'a', upstream }, { name: 'b' }])).toEqual({
      status: 400,
      json: error('missing required field: upstream at proxy 2', 400),
    });
    await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream });
    expect(
      await call('POST', '/proxies/p/toxics', { type: 'latency', stream: 'sideways' }),
    ).toEqual({
      status: 400,
      json: error('stream was invalid, can be either upstream or downstream', 400),
    });
    expect(await call('POST', '/proxies/p/toxics', { type: 'melt' })).toEqual({
      status: 400,
      json: error('invalid toxic type', 400),
    });
    expect(
      await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: -5 } }),
    ).toEqual({
      status: 400,
      json: error('bad request body: latency: latency must be >= 0, got -5', 400),
    });
    expect(
      await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 'x' } }),
    ).toMatchObject({ status: 400 });
  });

  it('answers 404 for unknown proxies and toxics, 409 for duplicates', async () => {
    expect(await call('GET', '/proxies/ghost')).toEqual({
      status: 404,
      json: error('proxy not found', 404),
    });
    expect(await call('POST', '/proxies/ghost/toxics', { type: 'latency' })).toEqual({
      status: 404,
      json: error('proxy not found', 404),
    });
    await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream });
    expect(await call('DELETE', '/proxies/p/toxics/ghost')).toEqual({
      status: 404,
      json: error('toxic not found', 404),
    });
    expect(await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream })).toEqual({
      status: 409,
      json: error('proxy already exists', 409),
    });
    await call('POST', '/proxies/p/toxics', { type: 'latency' });
    expect(await call('POST', '/proxies/p/toxics', { type: 'latency' })).toEqual({
      status: 409,
      json: error('toxic already exists', 409),
    });
  });

  it('answers 500 when the listen address is taken', async () => {
    const port = (busy.address() as { port: number }).port;
    const result = await call('POST', '/proxies', {
      name: 'clash',
      listen: `127.0.0.1:${port}`,
      upstream,
    });
    expect(result).toEqual({
      status: 500,
      json: error(`listen tcp 127.0.0.1:${port}: bind: address already in use`, 500),
    });
    expect(await call('GET', '/proxies')).toEqual({ status: 200, json: {} });
  });

  it('refuses browsers and unknown routes as Toxiproxy does', async () => {
    const browser = await fetch(`${api.url}/proxies`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    expect(browser.status).toBe(403);
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
    expect((await fetch(`${api.url}/proxies`, { method: 'DELETE' })).status).toBe(405);
  });

  it('exposes Prometheus metrics', async () => {
    await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream });
    await call('POST', '/proxies/p/toxics', { type: 'latency' });
    const response = await fetch(`${api.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('stormwatch_proxy_connections_open{proxy="p"} 0');
    expect(text).toContain('stormwatch_proxy_toxics_active{direction="downstream",proxy="p"} 1');
  });
});

describe('Toxiproxy API: what Toxiproxy 2.12 accepts but is likely a mistake', () => {
  it('accepts toxicity 5 as Toxiproxy does, and warns once per create or update', async () => {
    const warnings: string[] = [];
    const api = await startApi({ onWarning: (message) => warnings.push(message) });
    try {
      await api.server.proxies.create({
        name: 'p',
        listen: '127.0.0.1:0',
        upstream: '127.0.0.1:1',
      });
      const created = await fetch(`${api.url}/proxies/p/toxics`, {
        method: 'POST',
        body: JSON.stringify({ type: 'latency', toxicity: 5 }),
      });
      expect(created.status).toBe(200);
      expect(await created.json()).toMatchObject({ name: 'latency_downstream', toxicity: 5 });
      const updated = await fetch(`${api.url}/proxies/p/toxics/latency_downstream`, {
        method: 'POST',
        body: JSON.stringify({ toxicity: -1 }),
      });
      expect(updated.status).toBe(200);
      await fetch(`${api.url}/proxies/p/toxics/latency_downstream`, {
        method: 'POST',
        body: JSON.stringify({ toxicity: 0.5 }),
      });
      expect(warnings).toEqual([
        'proxy p, toxic latency_downstream: toxicity 5 is outside 0..1; it applies to every connection, as 1 would',
        'proxy p, toxic latency_downstream: toxicity -1 is outside 0..1; it never applies, as 0 would',
      ]);
    } finally {
      await api.close();
    }
  });

  it('creates a proxy without listen on a free loopback port, as Toxiproxy does on :0, and warns', async () => {
    const warnings: string[] = [];
    const api = await startApi({ onWarning: (message) => warnings.push(message) });
    const upstream = await startUpstream();
    try {
      const created = await fetch(`${api.url}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name: 'p', upstream: `127.0.0.1:${upstream.port}` }),
      });
      expect(created.status).toBe(201);
      const json = (await created.json()) as { listen: string; enabled: boolean };
      expect(json.enabled).toBe(true);
      expect(json.listen).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(json.listen).not.toBe('127.0.0.1:0');
      expect(warnings).toEqual([
        `proxy p: no listen address; listening on ${json.listen} (loopback only, where Toxiproxy 2.12 would listen on every interface)`,
      ]);

      const socket = await connectTo(Number(json.listen.split(':').pop()));
      try {
        socket.write('ping');
        expect((await readBytes(socket, 4)).data.toString()).toBe('ping');
      } finally {
        socket.destroy();
      }

      // An update to an empty listen rebinds the same way, as Toxiproxy's does.
      const updated = await fetch(`${api.url}/proxies/p`, {
        method: 'POST',
        body: JSON.stringify({ listen: '' }),
      });
      expect(updated.status).toBe(200);
      expect(((await updated.json()) as { listen: string }).listen).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(warnings).toHaveLength(2);

      const populated = await api.client.populate([
        { name: 'q', upstream: `127.0.0.1:${upstream.port}` } as never,
      ]);
      expect(populated.q!.listen).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(warnings).toHaveLength(3);
    } finally {
      await api.close();
      await upstream.close();
    }
  });
});
