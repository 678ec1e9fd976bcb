import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { signToken, type AuthOptions } from '../auth.js';
import type { AppContext } from '../context.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import { sendError } from '../http-errors.js';

/** Demo mode: `GET /api/demo-token` hands out short-lived user tokens for one demo user. */
export interface DemoTokenOptions {
  /** The user (`sub`) of every demo token. Default `demo`. */
  userId?: string;
  /** Token lifetime, s. Default 300 (the page fetches a new one before it expires). */
  expiresInS?: number;
  /** Tokens per minute per client address; more get 429 with Retry-After. Default 20. */
  perMinute?: number;
}

/** Options of {@link viewRoutes}. */
export interface ViewRouteOptions {
  auth: AuthOptions;
  /** Off (the default) answers `GET /api/demo-token` with 404. */
  demoToken?: boolean | DemoTokenOptions | undefined;
  /** Where the built page lives. Default `<package root>/dist/health-view/public`. */
  assetsDir?: string | undefined;
}

/**
 * The built page. `src/server/routes/view.ts` and `dist/server/routes/view.js` are both three
 * levels below the package root, so one relative path finds dist/ from either: tests that
 * import src/ serve the bundle `npm run build` (or scripts/build-health-view.js) wrote.
 */
export const DEFAULT_ASSETS_DIR = fileURLToPath(
  new URL('../../../dist/health-view/public/', import.meta.url),
);

const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'health-view.bundle.js': 'text/javascript; charset=utf-8',
  'health-view.bundle.js.map': 'application/json; charset=utf-8',
  'health-view.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

// The page runs only its own bundle; it connects to the alert server and, with ?server= or
// ?feed=, to the URLs the person opening it chose.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self' ws: wss: http: https:; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const MINUTE_MS = 60_000;
// Bounds the limiter's memory: addresses beyond this many are forgotten oldest first.
const MAX_TRACKED_ADDRESSES = 10_000;

/** Resolves demo settings, or undefined when demo mode is off. */
function demoSettings(
  auth: AuthOptions,
  demo: ViewRouteOptions['demoToken'],
): (Required<DemoTokenOptions> & { secret: string }) | undefined {
  if (demo === undefined || demo === false) return undefined;
  if (!('secret' in auth)) {
    throw new ServerError(
      ServerErrorCode.CONFIG,
      500,
      'demoToken: needs auth.secret to sign tokens, got auth.jwksUrl',
    );
  }
  const options = demo === true ? {} : demo;
  const settings = {
    userId: options.userId ?? 'demo',
    expiresInS: options.expiresInS ?? 300,
    perMinute: options.perMinute ?? 20,
    secret: auth.secret,
  };
  if (settings.userId === '') {
    throw new ServerError(
      ServerErrorCode.CONFIG,
      500,
      'demoToken.userId: expected a non-empty string, got ""',
    );
  }
  for (const key of ['expiresInS', 'perMinute'] as const) {
    if (!Number.isInteger(settings[key]) || settings[key] < 1) {
      throw new ServerError(
        ServerErrorCode.CONFIG,
        500,
        `demoToken.${key}: expected a positive integer, got ${String(settings[key])}`,
      );
    }
  }
  return settings;
}

/**
 * The health view: `GET /` (the page), `GET /health-view/<asset>` (its bundle and stylesheet)
 * and, in demo mode only, `GET /api/demo-token`.
 */
export function viewRoutes(ctx: AppContext, options: ViewRouteOptions) {
  const assetsDir = options.assetsDir ?? DEFAULT_ASSETS_DIR;
  const demo = demoSettings(options.auth, options.demoToken);
  const cache = new Map<string, Buffer>();

  const sendAsset = async (reply: FastifyReply, file: string): Promise<FastifyReply> => {
    const type = ASSETS[file];
    if (type === undefined) {
      reply.callNotFound();
      return reply;
    }
    let body = cache.get(file);
    if (body === undefined) {
      try {
        body = await readFile(join(assetsDir, file));
      } catch {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(`The health view is not built (no ${file} in ${assetsDir}). Run: npm run build\n`);
      }
      cache.set(file, body);
    }
    return reply.headers(SECURITY_HEADERS).type(type).send(body);
  };

  // Client address → times of its recent demo tokens (a sliding one-minute window).
  const issued = new Map<string, number[]>();

  return async (app: FastifyInstance): Promise<void> => {
    app.get('/', async (_request, reply) => sendAsset(reply, 'index.html'));
    // Browsers ask for /favicon.ico whatever the page links: the same icon, not a 404.
    app.get('/favicon.ico', async (_request, reply) => sendAsset(reply, 'favicon.svg'));
    app.get<{ Params: { file: string } }>('/health-view/:file', async (request, reply) =>
      sendAsset(reply, request.params.file),
    );

    app.get('/api/demo-token', async (request, reply) => {
      if (demo === undefined) {
        reply.callNotFound();
        return reply;
      }
      const now = ctx.clock.now();
      const recent = (issued.get(request.ip) ?? []).filter((at) => at > now - MINUTE_MS);
      if (recent.length >= demo.perMinute) {
        const retryAfterS = Math.max(1, Math.ceil((recent[0]! + MINUTE_MS - now) / 1000));
        reply.header('retry-after', String(retryAfterS));
        return sendError(
          reply,
          new ServerError(
            ServerErrorCode.RATE_LIMITED,
            429,
            `at most ${demo.perMinute} demo tokens a minute per address; retry in ${retryAfterS} s`,
          ),
        );
      }
      recent.push(now);
      issued.delete(request.ip);
      issued.set(request.ip, recent);
      if (issued.size > MAX_TRACKED_ADDRESSES) {
        const oldest = issued.keys().next().value;
        if (oldest !== undefined) issued.delete(oldest);
      }
      const token = await signToken(
        { sub: demo.userId, role: 'user', expiresInS: demo.expiresInS, nowMs: now },
        demo.secret,
      );
      return reply.header('cache-control', 'no-store').send({
        token,
        userId: demo.userId,
        expiresAt: new Date(Math.floor(now / 1000) * 1000 + demo.expiresInS * 1000).toISOString(),
      });
    });
  };
}
