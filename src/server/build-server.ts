import websocket from '@fastify/websocket';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { collectDefaultMetrics } from 'prom-client';
import type { WebSocket } from 'ws';
import {
  CloseCode,
  QueuedClock,
  SUBPROTOCOL,
  systemClock,
  type TimerHandle,
  MAX_USER_ID,
} from '../protocol/index.js';
import { createServerMetrics, Registry } from '../metrics/index.js';
import { createTokenVerifier } from './auth.js';
import { createMemoryBroker } from './broker/memory.js';
import type { AppContext } from './context.js';
import { createAlertService, type AlertService } from './core/alert-service.js';
import type { Broker } from './broker/broker.js';
import { ServerErrorCode } from './errors.js';
import { httpReason, type ErrorBody } from './http-errors.js';
import type { ServerOptions } from './options.js';
import { REDACT_PATHS, redactUrl } from './redact.js';
import { registerCors } from './cors.js';
import { alertRoutes } from './routes/alerts.js';
import { healthRoutes } from './routes/health.js';
import { viewRoutes } from './routes/view.js';
import { takeUpgrades } from './routes/fast-upgrade.js';
import { AlertWireFrames } from './routes/alert-wire.js';
import { TextFrames } from './routes/text-frame.js';
import { wsRoutes } from './routes/ws.js';
import { VERSION } from './version.js';

/** How a shutdown ends open sockets. */
export type ShutdownMode =
  /** Close frames with 1012: clients reconnect with backoff. */
  | 'restart'
  /** Close frames with 1001. */
  | 'going-away'
  /** No close frame: sockets are destroyed, as in a crash. */
  | 'kill';

/** Handle on the running alert server, decorated on the app as `app.alertServer`. */
export interface AlertServerHandle {
  service: AlertService;
  broker: Broker;
  registry: Registry;
  /** The upgraded WebSockets not yet closed (ws's own `clients` is not kept). */
  readonly sockets: ReadonlySet<WebSocket>;
  /** Stops accepting, ends every socket as `mode` says, then closes the app. */
  shutdown(mode: ShutdownMode): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    alertServer: AlertServerHandle;
  }
}

function loggerOptions(
  logger: ServerOptions['logger'],
): NonNullable<FastifyServerOptions['logger']> {
  if (logger === false || logger === undefined) return false;
  const base = {
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip ?? '',
      }),
    },
  };
  if (logger === true) return base;
  return {
    ...base,
    ...(logger.level === undefined ? {} : { level: logger.level }),
    ...(logger.stream === undefined ? {} : { stream: logger.stream }),
  };
}

/**
 * Builds the alert server: WebSocket delivery, publishing and polling API, health and metrics.
 * Returns the Fastify app ready to `listen`; the caller owns listening and closing.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  // Sessions hold a timer or two each: queued behind one host timer, they cost less memory.
  const clock = options.clock ?? new QueuedClock(systemClock);
  const ownsBroker = options.broker === undefined;
  const broker = options.broker ?? createMemoryBroker({ historySize: options.historySize ?? 1000 });
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const metrics = createServerMetrics(registry, VERSION);
  const shutdownGraceMs = options.shutdownGraceMs ?? 5000;

  const app = Fastify({
    logger: loggerOptions(options.logger),
    // Alert traffic and scrapes would drown the log; connections log their own open/close lines.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    forceCloseConnections: true,
    // A user id of MAX_USER_ID characters, escaped (3 characters each), still routes.
    routerOptions: { maxParamLength: MAX_USER_ID * 3 },
  });

  const service = createAlertService({
    broker,
    clock,
    metrics,
    limits: options.limits,
    heartbeat: options.heartbeat,
    logger: app.log,
  });

  // A starting instance refuses what the others have already revoked.
  if (broker.shared !== undefined) {
    const cutoffMs = await broker.shared.revokedBefore();
    if (cutoffMs > Number.NEGATIVE_INFINITY) service.revokeTokensIssuedBefore(cutoffMs);
  }

  let closeMode: ShutdownMode | undefined;
  const ctx: AppContext = {
    service,
    broker,
    clock,
    random: options.random ?? Math.random,
    metrics,
    registry,
    verifyToken: createTokenVerifier(options.auth),
    isShuttingDown: () => closeMode !== undefined,
    log: app.log,
    sockets: new Set(),
    frames: new TextFrames(),
    alertFrames: new AlertWireFrames(),
  };

  const endSockets = async (mode: ShutdownMode): Promise<void> => {
    if (mode === 'kill') {
      service.terminateAll();
      return;
    }
    const code = mode === 'restart' ? CloseCode.SERVICE_RESTART : CloseCode.GOING_AWAY;
    service.closeAll(
      code,
      mode === 'restart' ? 'server restarting' : 'server going away',
      mode === 'restart' ? 'restart' : 'shutdown',
    );
    // Close frames need the peer's answer; a peer that never answers must not hold shutdown.
    const open = [...ctx.sockets].filter((socket) => socket.readyState !== socket.CLOSED);
    if (open.length > 0) {
      let timer: TimerHandle | undefined;
      await Promise.race([
        Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve)))),
        new Promise<void>((resolve) => {
          timer = clock.setTimeout(resolve, shutdownGraceMs);
        }),
      ]);
      if (timer !== undefined) clock.clearTimeout(timer);
    }
    for (const socket of ctx.sockets) socket.terminate();
  };

  await app.register(websocket, {
    options: {
      maxPayload: service.limits.maxFrameBytes,
      // ctx.sockets tracks them for less memory per socket.
      clientTracking: false,
      // Select our subprotocol; never echo a bearer.<jwt> entry back.
      handleProtocols: (protocols: Set<string>) =>
        protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false,
    },
    preClose: async function preClose() {
      closeMode ??= 'going-away';
      await endSockets(closeMode);
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const body: ErrorBody = {
      error: httpReason(status),
      // Our own 503s (broker unavailable, shutting down) say why; other 5xx stay opaque.
      code:
        status === 503 && error.code?.startsWith('SRV_') === true
          ? error.code
          : status >= 500
            ? 'SRV_INTERNAL'
            : (error.code ?? ServerErrorCode.BAD_REQUEST),
      statusCode: status,
      message: status === 503 || status < 500 ? error.message : 'internal error',
    };
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: 'Not Found',
      code: 'SRV_NOT_FOUND',
      statusCode: 404,
      message: `no route for ${request.method} ${redactUrl(request.url)}`,
    };
    return reply.code(404).send(body);
  });

  // The API speaks JSON only: other bodies get 415 rather than being read as strings.
  app.removeContentTypeParser('text/plain');

  registerCors(app, options.corsOrigins ?? []);
  await app.register(wsRoutes(ctx));
  await app.register(alertRoutes(ctx));
  await app.register(healthRoutes(ctx));
  await app.register(viewRoutes(ctx, { auth: options.auth, demoToken: options.demoToken }));
  // Plain socket upgrades skip the router; the rest reach the route above.
  takeUpgrades(app.server, app.websocketServer, ctx);

  app.addHook('onClose', async () => {
    service.dispose();
    if (ownsBroker) await broker.close();
  });

  app.decorate('alertServer', {
    service,
    broker,
    registry,
    sockets: ctx.sockets,
    async shutdown(mode: ShutdownMode) {
      if (closeMode !== undefined) return;
      closeMode = mode;
      await app.close();
    },
  } satisfies AlertServerHandle);

  return app;
}
