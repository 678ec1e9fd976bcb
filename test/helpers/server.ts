import type { FastifyInstance } from 'fastify';
import { buildServer, signToken, type ServerOptions } from '../../src/server/index.js';

export const SECRET = 'test-secret-that-is-long-enough-for-hs256';

export interface TestServer {
  app: FastifyInstance;
  httpUrl: string;
  wsUrl(userId: string): string;
  token(
    sub: string,
    options?: { role?: 'user' | 'publisher'; expiresInS?: number; nowMs?: number },
  ): Promise<string>;
  publish(userId: string, title?: string, severity?: string): Promise<{ seq: number; id: string }>;
  close(): Promise<void>;
}

/** Starts a real alert server on 127.0.0.1, port 0. */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const app = await buildServer({
    auth: { secret: SECRET },
    logger: false,
    defaultMetrics: false,
    ...options,
  });
  const httpUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const wsBase = httpUrl.replace(/^http/, 'ws');
  let publisherToken: string | undefined;
  const server: TestServer = {
    app,
    httpUrl,
    wsUrl: (userId) => `${wsBase}/ws/breach-alerts/${encodeURIComponent(userId)}`,
    token: (sub, o = {}) =>
      signToken(
        {
          sub,
          role: o.role ?? 'user',
          expiresInS: o.expiresInS ?? 3600,
          ...(o.nowMs === undefined ? {} : { nowMs: o.nowMs }),
        },
        SECRET,
      ),
    async publish(userId, title = 'Credentials exposed', severity = 'HIGH') {
      publisherToken ??= await signToken({ sub: 'pub', role: 'publisher' }, SECRET);
      const response = await fetch(`${httpUrl}/api/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${publisherToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId, severity, title, source: 'test' }),
      });
      if (response.status !== 201)
        throw new Error(`publish failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { seq: number; id: string };
    },
    close: () => app.close(),
  };
  return server;
}
