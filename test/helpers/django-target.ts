import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/** The launcher of the Django Channels reference target (targets/django-channels). */
export const DJANGO_SERVE = fileURLToPath(
  new URL('../../targets/django-channels/serve.sh', import.meta.url),
);

/** How long the target may take to answer `GET /healthz`, in milliseconds. */
const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
/** How long `stop()` waits after SIGTERM before SIGKILL, in milliseconds. */
const KILL_AFTER_MS = 5_000;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';
/** How much of the child's stderr is kept for error messages, in characters. */
const STDERR_TAIL_CHARS = 4_000;

/** Options for {@link startDjangoTarget}. */
export interface DjangoTargetOptions {
  /** HS256 secret the target verifies tokens with. Default: random. */
  secret?: string;
  /** The channel layer's Redis. Default `redis://127.0.0.1:6379/0`. */
  redisUrl?: string;
  /** Connection attempts one user may make per 60 s. Default: the target's own, 10. */
  connectLimitPerMinute?: number;
}

/** A running Daphne process serving the target. */
export interface DjangoTarget {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  httpUrl: string;
  /** The user's alert socket URL, `ws://127.0.0.1:<port>/ws/breach-alerts/<userId>/`. */
  wsUrl(userId: string): string;
  port: number;
  secret: string;
  pid: number;
  /**
   * SIGTERM, then SIGKILL after 5 s; resolves once the process has exited and its channel-layer
   * keys are deleted from Redis.
   */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 a moment ago (the kernel's pick for port 0). */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`expected a TCP address, got ${String(address)}`));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * Deletes the keys under `prefix`. Daphne cancels its consumers on SIGTERM without running
 * their disconnect handlers, so groups would otherwise linger for channels_redis's group expiry
 * (a day).
 */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // A refused connection rejects connect() below; the event would only repeat it.
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await admin.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis went away: the keys go with it, or stay under a prefix no other process uses.
  } finally {
    admin.disconnect();
  }
}

/**
 * Starts the Django Channels target under Daphne on a free port of 127.0.0.1, with a channel
 * layer prefix of its own, and resolves once `GET /healthz` answers 200.
 */
export async function startDjangoTarget(options: DjangoTargetOptions = {}): Promise<DjangoTarget> {
  const port = await findFreePort();
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const prefix = `stormwatch-test-${randomBytes(6).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    STORMWATCH_JWT_SECRET: secret,
    REDIS_URL: redisUrl,
    CHANNELS_PREFIX: prefix,
  };
  if (options.connectLimitPerMinute !== undefined)
    env.CONNECT_LIMIT_PER_MINUTE = String(options.connectLimitPerMinute);

  // stdout carries Daphne's access log, which nothing reads; an unread pipe would stall it.
  const child = spawn(DJANGO_SERVE, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
  });
  // Set once the process has exited; read by stop() and the readiness loop.
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await spawned;

  const stop = async (): Promise<void> => {
    if (exit === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    }
    await deleteKeys(redisUrl, `${prefix}:`);
  };

  const httpUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'no answer yet';
  for (;;) {
    if (exit !== undefined) {
      throw new Error(
        `Django target exited before it was ready (code ${String(exit.code)}, signal ${String(exit.signal)}); stderr:\n${stderr}`,
      );
    }
    try {
      const response = await fetch(`${httpUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) break;
      lastError = `GET /healthz answered ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      await stop();
      throw new Error(
        `Django target on port ${port} not ready within ${READY_TIMEOUT_MS} ms (${lastError}); stderr:\n${stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }

  return {
    httpUrl,
    wsUrl: (userId) => `ws://127.0.0.1:${port}/ws/breach-alerts/${encodeURIComponent(userId)}/`,
    port,
    secret,
    pid: child.pid!,
    stop,
  };
}
