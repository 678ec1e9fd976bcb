import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { systemClock } from '../../protocol/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { ServerTarget } from './server-target.js';

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves after `ms` on the system clock. */
export const wait = (ms: number) =>
  new Promise((resolve) => systemClock.setTimeout(() => resolve(undefined), ms));

/**
 * The alert server as a child process started by a shell command (`--server-cmd`), given
 * `PORT`, `HOST` and `STORMWATCH_JWT_SECRET` (and `STORMWATCH_BROKER` when the scenario uses
 * Redis). A restart is a real process restart: SIGTERM (the server closes sockets with 1012)
 * when graceful, SIGKILL otherwise.
 */
export class ChildProcessServer implements ServerTarget {
  readonly restartable = true;
  readonly secret: string;
  readonly #command: string;
  #port = 0;
  #child: ChildProcess | undefined;
  #stderr = '';
  readonly #env: Record<string, string>;
  readonly startTimesMs: number[] = [];

  readonly #ready: (server: ChildProcessServer) => Promise<boolean>;

  /**
   * @param ready when the started process counts as ready; default `GET /readyz` answers 2xx
   *   (a foreign service is polled its own way)
   */
  constructor(
    command: string,
    secret: string,
    env: Record<string, string> = {},
    ready: (server: ChildProcessServer) => Promise<boolean> = readyzAnswers,
  ) {
    this.#command = command;
    this.secret = secret;
    this.#env = env;
    this.#ready = ready;
  }

  /** The port the child is told to listen on (0 before the first start). */
  get port(): number {
    return this.#port;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get upstream(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    if (this.#port === 0) this.#port = await freePort();
    this.#stderr = '';
    const child = spawn(this.#command, {
      shell: true,
      // Its own process group, so a kill reaches the server and not just the shell.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        PORT: String(this.#port),
        HOST: '127.0.0.1',
        STORMWATCH_JWT_SECRET: this.secret,
        ...this.#env,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-2000);
    });
    this.#child = child;
    const spawnedAt = performance.now();
    const deadline = systemClock.now() + 20_000;
    while (systemClock.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (await this.#ready(this)) {
        this.startTimesMs.push(performance.now() - spawnedAt);
        return;
      }
      await wait(50);
    }
    await this.stop(false);
    const tail = this.#stderr.trim().split('\n').pop() ?? '';
    throw new RunnerError(
      RunnerErrorCode.SERVER_FAILED,
      `--server-cmd did not become ready on ${this.upstream}${tail === '' ? '' : `: ${tail}`}`,
    );
  }

  async stop(graceful: boolean): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const signal = graceful ? 'SIGTERM' : 'SIGKILL';
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
    // A process that ignores the signal is killed after 15 s; the timer must not outlive the
    // process, or it holds the runner open that long after the run.
    let timer: ReturnType<typeof systemClock.setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = systemClock.setTimeout(() => resolve('timeout'), 15_000);
    });
    const outcome = await Promise.race([exited.then(() => 'exited'), timeout]);
    if (timer !== undefined) systemClock.clearTimeout(timer);
    if (outcome === 'timeout') {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    }
  }

  close(): Promise<void> {
    return this.stop(true);
  }
}

/** True when `GET /readyz` answers 2xx. */
async function readyzAnswers(server: { httpUrl: string }): Promise<boolean> {
  try {
    return (await fetch(`${server.httpUrl}/readyz`)).ok;
  } catch {
    // Not listening yet.
    return false;
  }
}

/** A server someone else runs (`--server-url`): no restarts. */
export class ExternalServer implements ServerTarget {
  readonly restartable = false;
  readonly httpUrl: string;
  readonly upstream: string;
  readonly secret: string;

  constructor(url: string, secret: string) {
    const parsed = new URL(url);
    this.httpUrl = `${parsed.protocol === 'https:' ? 'https' : 'http'}://${parsed.host}`;
    this.upstream = `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
    this.secret = secret;
  }

  async start(): Promise<void> {
    let ok = false;
    try {
      ok = (await fetch(`${this.httpUrl}/readyz`)).ok;
    } catch {
      ok = false;
    }
    if (!ok)
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `--server-url ${this.httpUrl} is not ready (GET /readyz failed)`,
      );
  }

  stop(): Promise<void> {
    return Promise.reject(
      new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        'cannot stop an external server (--server-url); use --server-cmd or the in-process server',
      ),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
