import { spawn, type ChildProcess } from 'node:child_process';
import { systemClock } from '../../protocol/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import { BIN } from './bin.js';

/**
 * An embedded fault proxy in a process of its own (`stormwatch proxy --port 0`): a proxied
 * connection costs the proxy two file descriptors, so a large fleet's proxies cannot all live
 * in the runner's process. Its Toxiproxy API is driven like any other.
 */
export class ProxyProcess {
  readonly #child: ChildProcess;
  readonly apiUrl: string;

  private constructor(child: ChildProcess, apiUrl: string) {
    this.#child = child;
    this.apiUrl = apiUrl;
  }

  /** Starts the process and resolves with its API address once it listens. */
  static async start(): Promise<ProxyProcess> {
    const child = spawn(process.execPath, [BIN, 'proxy', '--host', '127.0.0.1', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-2000);
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = systemClock.setTimeout(() => {
        reject(new Error('no answer within 20 s'));
      }, 20_000);
      const done = (error?: Error, found?: string) => {
        systemClock.clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        if (found !== undefined) resolve(found);
        else reject(error ?? new Error('exited'));
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match !== null) done(undefined, match[1]);
      });
      child.once('error', (error) => done(error));
      child.once('exit', (code) => done(new Error(`exited with ${code}: ${err.trim()}`)));
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw new RunnerError(
        RunnerErrorCode.START_FAILED,
        `cannot start a fault proxy process: ${(error as Error).message}`,
      );
    });
    // The API answered on stdout; anything it prints later is not needed.
    child.stdout?.resume();
    return new ProxyProcess(child, url);
  }

  /** Stops the process (SIGTERM closes every proxy and connection). */
  async close(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = systemClock.setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    systemClock.clearTimeout(timer);
  }
}
