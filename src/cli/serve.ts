import { randomBytes } from 'node:crypto';
import type { Verb } from '../cli.js';
import {
  BrokerError,
  buildServer,
  createRedisBroker,
  describeRedisUrl,
  parseRedisUrl,
  scaledServerTimings,
  signToken,
  type Broker,
  type ShutdownMode,
} from '../server/index.js';
import { checkCorsOrigin } from '../server/cors.js';
import { parseFlags, quoteValue, readIntFlag, UsageError } from './args.js';

const USAGE = `Usage: stormwatch serve [--host 127.0.0.1] [--port 8080] [--demo] [--history-size 1000]
                       [--broker memory|redis://host:port[/db]]

Runs the alert server: GET /ws/breach-alerts/:userId (WebSocket), POST /api/alerts,
GET /api/alerts?since=N, /healthz, /readyz, /metrics, and the health view at /.

Flags:
  --host H            address to bind (env HOST; default 127.0.0.1)
  --port P            port to bind, 0 for any free port (env PORT; default 8080)
  --demo              print a demo user token and a publisher token; the health view at /
                      gets 5-minute tokens for user demo from GET /api/demo-token
  --history-size N    alerts kept per user (default 1000)
  --broker B          where alerts live: memory (default; history dies with the process) or
                      redis://[user:pass@]host:port[/db] (rediss:// for TLS): durable history and
                      fan-out shared by every server on that Redis (env STORMWATCH_BROKER)
  --connects-per-minute N  per-user connection limit (default 10)
  --max-connections N      open sockets this instance takes; beyond, upgrades get 503 with a
                           Retry-After of 1-5 s, browsers a 1013 close (default: no limit)
  --key-prefix P           prefix of every Redis key (default stormwatch:); instances share
                           history, limits and revocation only under the same prefix
  --time-scale F           multiply the server's timings (heartbeat it advertises, connect
                           window, resume wait, idle timeout, shutdown grace) by F, as a
                           scenario's timeScale does (default 1)
  --ping-interval MS       heartbeat interval advertised in hello, before --time-scale
                           (default 30000)
  --pong-timeout MS        pong timeout advertised in hello, before --time-scale (default 10000)
  --cors-origin O          let pages from origin O (or *) poll GET /api/alerts and /healthz from
                           the browser: the polling fallback of a dashboard served elsewhere;
                           repeat for several (env STORMWATCH_CORS_ORIGINS, comma-separated)

Environment:
  STORMWATCH_JWT_SECRET  HS256 secret; without it a random one is made and --demo is implied
                         (with it, stormwatch token --sub USER mints tokens this server takes)
  STORMWATCH_BROKER      --broker when the flag is not given
  STORMWATCH_KEY_PREFIX  --key-prefix when the flag is not given
  LOG_LEVEL              pino level (default info)

Signals: SIGTERM closes sockets with 1012 (service restart: clients come back),
SIGINT with 1001 (going away); the process exits 0 once they are closed.
`;

/** `stormwatch serve`: runs the alert server until SIGTERM or SIGINT. */
export const serve: Verb = async (argv) => {
  const { values, positionals } = parseFlags('serve', argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    demo: { type: 'boolean', default: false },
    'history-size': { type: 'string' },
    broker: { type: 'string' },
    'connects-per-minute': { type: 'string' },
    'max-connections': { type: 'string' },
    'key-prefix': { type: 'string' },
    'time-scale': { type: 'string' },
    'ping-interval': { type: 'string' },
    'pong-timeout': { type: 'string' },
    'cors-origin': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`serve: unexpected argument "${positionals[0]}"`);
  const host = values.host ?? process.env.HOST ?? '127.0.0.1';
  const port = readIntFlag('port', values.port ?? process.env.PORT, 8080, 0, 65535);
  const historySize = readIntFlag('history-size', values['history-size'], 1000, 1, 1_000_000);
  const connectsPerMinute = readIntFlag(
    'connects-per-minute',
    values['connects-per-minute'],
    10,
    1,
    1_000_000,
  );
  const maxConnections =
    values['max-connections'] === undefined
      ? Number.POSITIVE_INFINITY
      : readIntFlag('max-connections', values['max-connections'], 0, 1, 10_000_000);
  const timeScale = readScaleFlag(values['time-scale']);
  const timings = scaledServerTimings({
    timeScale,
    pingIntervalMs: readIntFlag('ping-interval', values['ping-interval'], 30_000, 10, 3_600_000),
    pongTimeoutMs: readIntFlag('pong-timeout', values['pong-timeout'], 10_000, 10, 3_600_000),
  });
  const keyPrefix = values['key-prefix'] ?? process.env.STORMWATCH_KEY_PREFIX;
  if (keyPrefix !== undefined && !/^[\x21-\x7e]{1,200}$/.test(keyPrefix)) {
    throw new UsageError(
      `--key-prefix: expected 1-200 printable characters without spaces, got ${JSON.stringify(keyPrefix)}`,
    );
  }
  const corsOrigins =
    values['cors-origin'] ??
    (process.env.STORMWATCH_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
  for (const origin of corsOrigins) {
    const problem = checkCorsOrigin(origin);
    if (problem !== undefined) throw new UsageError(`--cors-origin: ${problem}`);
  }
  const envSecret = process.env.STORMWATCH_JWT_SECRET;
  const secret =
    envSecret !== undefined && envSecret !== '' ? envSecret : randomBytes(32).toString('hex');
  const demo = values.demo || envSecret === undefined || envSecret === '';

  const brokerUrl = readBrokerFlag(values.broker ?? process.env.STORMWATCH_BROKER);
  if (keyPrefix !== undefined && brokerUrl === undefined) {
    throw new UsageError('--key-prefix: only with a Redis broker (--broker redis://…)');
  }

  // The server does not close a broker it was given: this verb owns it.
  let broker: Broker | undefined;
  if (brokerUrl !== undefined) {
    broker = await createRedisBroker({
      url: brokerUrl,
      historySize,
      ...(keyPrefix === undefined ? {} : { keyPrefix }),
      onError: (error) =>
        process.stderr.write(`stormwatch serve: broker: ${error.message.split('\n')[0]}\n`),
    });
  }
  const closeBroker = async () => {
    await broker?.close();
  };
  let app;
  try {
    app = await buildServer({
      auth: { secret },
      historySize,
      heartbeat: timings.heartbeat,
      shutdownGraceMs: timings.shutdownGraceMs,
      limits: { ...timings.limits, connectsPerMinute, maxConnections },
      logger: true,
      demoToken: demo,
      corsOrigins,
      ...(broker === undefined ? {} : { broker }),
    });
  } catch (error) {
    await closeBroker();
    throw error;
  }
  // Fastify logs "Server listening at …" as it listens; the banner says it first, for people,
  // and the log says it after, for machines.
  const level = app.log.level;
  app.log.level = 'warn';
  const address = await app
    .listen({ host, port })
    .catch(async (error: unknown) => {
      await app.close();
      await closeBroker();
      throw error;
    })
    .finally(() => {
      app.log.level = level;
    });
  const httpUrl = new URL(address);
  const wsBase = `ws://${httpUrl.host}`;
  const lines = [
    `stormwatch alert server listening on ${address}`,
    `  broker           ${brokerUrl === undefined ? 'memory' : describeRedisUrl(brokerUrl)}`,
    `  health view      ${httpUrl.origin}/${demo ? ' (signs in as demo)' : ' (asks for a token)'}`,
  ];
  if (demo) {
    const userToken = await signToken({ sub: 'demo', role: 'user', expiresInS: 3600 }, secret);
    const publisherToken = await signToken(
      { sub: 'publisher', role: 'publisher', expiresInS: 3600 },
      secret,
    );
    lines.push(
      `  WebSocket        ${wsBase}/ws/breach-alerts/demo`,
      `  demo user token  ${userToken}`,
      `  publisher token  ${publisherToken}`,
      `  publish an alert:`,
      `    curl -s -X POST ${address}/api/alerts -H 'authorization: Bearer ${publisherToken}' \\`,
      `      -H 'content-type: application/json' \\`,
      `      -d '{"userId":"demo","severity":"HIGH","title":"Password found in breach","source":"demo"}'`,
      `  (tokens expire in 1 h; set STORMWATCH_JWT_SECRET to keep a secret across restarts)`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  app.log.info({ address }, 'listening');

  return new Promise<number>((resolve) => {
    const stop = (mode: ShutdownMode) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      // A shutdown that hangs must not hold the process forever.
      const force = setTimeout(() => resolve(1), 15_000);
      force.unref();
      app.alertServer
        .shutdown(mode)
        .then(closeBroker)
        .then(
          () => {
            clearTimeout(force);
            resolve(0);
          },
          (error: unknown) => {
            process.stderr.write(`stormwatch serve: shutdown failed: ${String(error)}\n`);
            resolve(1);
          },
        );
    };
    const onTerm = () => stop('restart');
    const onInt = () => stop('going-away');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
};

/** `--broker`: undefined for the memory broker, else a validated Redis URL. */
function readBrokerFlag(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '' || raw === 'memory') return undefined;
  try {
    return parseRedisUrl(raw);
  } catch (error) {
    const why = error instanceof BrokerError ? error.message : String(error);
    throw new UsageError(`--broker: expected memory or ${why.replace(/^expected /, '')}`);
  }
}

/** `--time-scale`: a factor within 0.001..100 (default 1). */
function readScaleFlag(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0.001 || value > 100) {
    throw new UsageError(
      `--time-scale: expected a number within 0.001..100, got ${quoteValue(raw)}`,
    );
  }
  return value;
}
