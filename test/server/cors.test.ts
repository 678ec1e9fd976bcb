import { afterEach, describe, expect, it } from 'vitest';
import { checkCorsOrigin } from '../../src/server/cors.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('CORS for the polling fallback', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const DASH = 'http://dash.example.test:5173';

  it('answers the preflight and the poll of an allowed origin, and only on the polling routes', async () => {
    server = await startServer({ corsOrigins: [DASH] });
    const preflight = await fetch(`${server.httpUrl}/api/alerts?since=0&wait=1000`, {
      method: 'OPTIONS',
      headers: {
        origin: DASH,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(DASH);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');

    const poll = await fetch(`${server.httpUrl}/api/alerts?since=0&limit=0`, {
      headers: { origin: DASH, authorization: `Bearer ${await server.token('alice')}` },
    });
    expect(poll.status).toBe(200);
    expect(poll.headers.get('access-control-allow-origin')).toBe(DASH);
    const health = await fetch(`${server.httpUrl}/healthz`, { headers: { origin: DASH } });
    expect(health.headers.get('access-control-allow-origin')).toBe(DASH);
    // Publishing stays server to server.
    const publish = await fetch(`${server.httpUrl}/api/alerts`, {
      method: 'OPTIONS',
      headers: { origin: DASH, 'access-control-request-method': 'POST' },
    });
    expect(publish.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives another origin no CORS headers, and none at all without --cors-origin', async () => {
    server = await startServer({ corsOrigins: [DASH] });
    const other = await fetch(`${server.httpUrl}/healthz`, {
      headers: { origin: 'http://evil.example.test' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.httpUrl}/api/alerts`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example.test', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(403);
    await server.close();

    server = await startServer();
    const plain = await fetch(`${server.httpUrl}/healthz`, { headers: { origin: DASH } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes * and exact origins, and names what is wrong with anything else', () => {
    expect(checkCorsOrigin('*')).toBeUndefined();
    expect(checkCorsOrigin(DASH)).toBeUndefined();
    expect(checkCorsOrigin('http://dash.example.test/app')).toMatch(/no path/);
    expect(checkCorsOrigin('dash.example.test')).toMatch(/expected \* or an origin/);
  });
});
