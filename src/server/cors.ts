import type { FastifyInstance } from 'fastify';

/** The routes a browser page on another origin needs for the polling fallback. */
const CORS_PATHS = new Set(['/api/alerts', '/healthz']);

/** `--cors-origin` values: `*` or exact origins (`https://dash.example.com`). */
export type CorsOrigins = readonly string[];

/**
 * Lets pages served from `origins` poll (`GET /api/alerts` with a bearer token) and ping
 * (`GET /healthz`) from the browser: a dashboard on another origin than the alert server falls
 * back to long polling there too. WebSocket needs none of this. Other routes get no CORS
 * headers; publishing stays server to server.
 */
export function registerCors(app: FastifyInstance, origins: CorsOrigins): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allowOf = (origin: string | undefined): string | undefined => {
    if (origin === undefined) return undefined;
    if (any) return '*';
    return allowed.has(origin) ? origin : undefined;
  };
  const pathOf = (url: string): string => url.split('?', 1)[0]!;

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'OPTIONS' || !CORS_PATHS.has(pathOf(request.url))) return;
    // Only reads are shared: a preflight for anything but GET gets no CORS answer.
    if (request.headers['access-control-request-method'] !== 'GET') return;
    const allow = allowOf(request.headers.origin);
    if (allow === undefined) return reply.code(403).send();
    return reply
      .code(204)
      .header('access-control-allow-origin', allow)
      .header('access-control-allow-methods', 'GET')
      .header('access-control-allow-headers', 'authorization')
      .header('access-control-max-age', '600')
      .header('vary', 'origin')
      .send();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || !CORS_PATHS.has(pathOf(request.url))) return payload;
    const allow = allowOf(request.headers.origin);
    if (allow !== undefined) {
      reply.header('access-control-allow-origin', allow);
      reply.header('vary', 'origin');
    }
    return payload;
  });
}

/** Checks one `--cors-origin` value; returns why it is unusable, or undefined. */
export function checkCorsOrigin(value: string): string | undefined {
  if (value === '*') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected * or an origin such as https://dash.example.com, got ${JSON.stringify(value.slice(0, 100))}`;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value) {
    return `expected an origin (scheme://host[:port], no path), got ${JSON.stringify(value.slice(0, 100))}`;
  }
  return undefined;
}
