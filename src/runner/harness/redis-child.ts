import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { systemClock } from '../../protocol/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import { freePort, wait } from './child-server.js';

/** Options of {@link RedisChild}. */
export interface RedisChildOptions {
  /** The binary. Default `redis-server` on PATH (Debian's package of that name). */
  binary?: string | undefined;
  /** Port to listen on. Default: a free one, kept across restarts. */
  port?: number | undefined;
  /**
   * Keep data across a restart (an append-only file in `dir`). Default false: a restart loses
   * every key, as a cache-only Redis does, and the broker's epoch changes.
   */
  persist?: boolean | undefined;
  /** Working directory of a persisting server (required with `persist`). */
  dir?: string | undefined;
}

/** True when a Redis at `port` answers PING within `timeoutMs`. */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean) => {
      systemClock.clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = systemClock.setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

/**
 * A `redis-server` of a run's own, on a free loopback port, that the run can restart, kill
 * (SIGKILL) and pause (SIGSTOP, then SIGCONT). Without `persist` it keeps nothing on disk.
 */
export class RedisChild {
  readonly #binary: string;
  readonly #persist: boolean;
  readonly #dir: string | undefined;
  #port: number;
  #child: ChildProcess | undefined;
  #paused = false;
  #output = '';

  constructor(options: RedisChildOptions = {}) {
    this.#binary = options.binary ?? 'redis-server';
    this.#persist = options.persist ?? false;
    this.#dir = options.dir;
    this.#port = options.port ?? 0;
    if (this.#persist && this.#dir === undefined) {
      throw new RangeError('RedisChild: persist needs a dir');
    }
  }

  get port(): number {
    return this.#port;
  }

  /** `redis://127.0.0.1:PORT`. */
  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  /** True while the process runs (paused included). */
  get running(): boolean {
    return this.#child !== undefined;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Starts the server and resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    if (this.#port === 0) this.#port = await freePort();
    const args = [
      '--port',
      String(this.#port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      this.#persist ? 'yes' : 'no',
      // Every write on disk before the reply: a SIGKILL loses nothing that was acknowledged.
      ...(this.#persist ? ['--appendfsync', 'always'] : []),
      '--maxmemory-policy',
      'noeviction',
      ...(this.#dir === undefined ? [] : ['--dir', this.#dir]),
    ];
    this.#output = '';
    const child = spawn(this.#binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    this.#child = child;
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = systemClock.now() + 10_000;
    while (systemClock.now() < deadline) {
      const failed = await Promise.race([spawnError, wait(0).then(() => undefined)]);
      if (failed !== undefined) {
        this.#child = undefined;
        throw new RunnerError(
          RunnerErrorCode.START_FAILED,
          `cannot start ${this.#binary} (${failed.message}); install Debian's redis-server package or pass --redis URL`,
        );
      }
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (await pingRedis(this.#port)) return;
      await wait(25);
    }
    await this.kill();
    const tail = this.#output.trim().split('\n').pop() ?? '';
    throw new RunnerError(
      RunnerErrorCode.START_FAILED,
      `${this.#binary} did not answer on port ${this.#port}${tail === '' ? '' : `: ${tail}`}`,
    );
  }

  /** SIGSTOP: the process holds its connections and answers nothing until {@link resume}. */
  pause(): void {
    if (this.#child === undefined || this.#paused) return;
    this.#child.kill('SIGSTOP');
    this.#paused = true;
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (this.#child === undefined || !this.#paused) return;
    this.#child.kill('SIGCONT');
    this.#paused = false;
  }

  /** SIGKILL, as a crash: connections drop, nothing is saved (an append-only file may be). */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    this.#paused = false;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills and starts again on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Stops the server for good. */
  async close(): Promise<void> {
    this.resume();
    await this.kill();
  }
}
