import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/protocol/index.js';
import type { AppContext } from '../../src/server/context.js';
import { buildServer, createTokenVerifier } from '../../src/server/index.js';
import { viewRoutes } from '../../src/server/routes/view.js';
import { SECRET } from '../helpers/server.js';
import { ROOT } from './browser-harness.js';

const T0 = Date.UTC(2025, 0, 1, 12);

describe('GET / and the page assets', () => {
  let built: string;
  let empty: string;

  beforeAll(async () => {
    built = await mkdtemp(join(tmpdir(), 'health-view-'));
    empty = await mkdtemp(join(tmpdir(), 'health-view-empty-'));
    await promisify(execFile)(process.execPath, [
      join(ROOT, 'scripts', 'build-health-view.js'),
      built,
    ]);
  }, 30_000);

  afterAll(async () => {
    await rm(built, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  async function appWith(assetsDir: string) {
    const app = Fastify();
    // The view routes read only the clock of the context.
    const ctx = { clock: new SimulatedClock(T0) } as unknown as AppContext;
    await app.register(viewRoutes(ctx, { auth: { secret: SECRET }, assetsDir }));
    return app;
  }

  it('serves the page, its bundle and stylesheet with a strict content security policy', async () => {
    const app = await appWith(built);
    try {
      const page = await app.inject('/');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.body).toContain('<script type="module" src="health-view/health-view.bundle.js">');
      const script = await app.inject('/health-view/health-view.bundle.js');
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(script.body.length).toBeGreaterThan(1000);
      expect((await app.inject('/health-view/health-view.css')).headers['content-type']).toBe(
        'text/css; charset=utf-8',
      );
      // The page links its icon, and a browser's own /favicon.ico request gets it too.
      expect(page.body).toContain(
        '<link rel="icon" type="image/svg+xml" href="health-view/favicon.svg" />',
      );
      for (const url of ['/health-view/favicon.svg', '/favicon.ico']) {
        const icon = await app.inject(url);
        expect(icon.statusCode, url).toBe(200);
        expect(icon.headers['content-type']).toBe('image/svg+xml');
        expect(icon.body).toMatch(/^<svg /);
      }
      // One heading says what the page is; the panel says what it covers.
      expect(page.body.match(/Connection health/g)).toHaveLength(2); // <title> and <h1>
    } finally {
      await app.close();
    }
  });

  it('serves nothing but its own files', async () => {
    const app = await appWith(built);
    try {
      expect((await app.inject('/health-view/..%2F..%2Fpackage.json')).statusCode).toBe(404);
      expect((await app.inject('/health-view/secret.txt')).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('says how to build the page when dist has none', async () => {
    const app = await appWith(empty);
    try {
      const response = await app.inject('/');
      expect(response.statusCode).toBe(503);
      expect(response.body).toMatch(/The health view is not built .* Run: npm run build/);
    } finally {
      await app.close();
    }
  });
});

describe('GET /api/demo-token', () => {
  it('is a 404 unless demo mode is on', async () => {
    const app = await buildServer({
      auth: { secret: SECRET },
      logger: false,
      defaultMetrics: false,
    });
    try {
      const response = await app.inject('/api/demo-token');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'SRV_NOT_FOUND' });
    } finally {
      await app.close();
    }
  });

  it('hands out 5-minute user tokens for the demo user, never cached, at most 20 a minute per address', async () => {
    const clock = new SimulatedClock(T0);
    const app = await buildServer({
      auth: { secret: SECRET },
      logger: false,
      defaultMetrics: false,
      clock,
      demoToken: true,
    });
    try {
      const response = await app.inject('/api/demo-token');
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json<{ token: string; userId: string; expiresAt: string }>();
      expect(body.userId).toBe('demo');
      expect(body.expiresAt).toBe(new Date(T0 + 300_000).toISOString());
      const principal = await createTokenVerifier({ secret: SECRET })(body.token, T0);
      expect(principal).toMatchObject({ userId: 'demo', role: 'user', expiresAtMs: T0 + 300_000 });

      for (let i = 1; i < 20; i++)
        expect((await app.inject('/api/demo-token')).statusCode).toBe(200);
      clock.advance(10_000);
      const limited = await app.inject('/api/demo-token');
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('50');
      expect(limited.json()).toMatchObject({ code: 'SRV_RATE_LIMITED' });
      clock.advance(50_001);
      expect((await app.inject('/api/demo-token')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses demo mode without a secret to sign with', async () => {
    await expect(
      buildServer({
        auth: { jwksUrl: 'http://127.0.0.1:1/jwks.json' },
        logger: false,
        defaultMetrics: false,
        demoToken: { userId: 'demo' },
      }),
    ).rejects.toMatchObject({
      code: 'SRV_CONFIG',
      message: expect.stringMatching(/needs auth.secret/),
    });
  });
});
