// A service that is not stormwatch's own server, as a run's server target: someone else's
// (its URL), or a child process the run starts (`--server-cmd`), ready when it accepts.
import { connect } from 'node:net';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { ScenarioTarget } from '../scenario/types.js';
import { ChildProcessServer } from './child-server.js';
import type { ServerTarget } from './server-target.js';

/** True when a TCP connection to host:port opens within 1 s. */
export function tcpAccepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** True when `GET url` answers below 500 within 2 s. */
export async function httpAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer().catch(() => undefined);
    return response.status < 500;
  } catch {
    return false;
  }
}

/** Host, port and HTTP origin of a target URL (`{user}` and `{port}` allowed). */
export function targetAddress(url: string): { host: string; port: number; origin: string } {
  const parsed = new URL(url.replaceAll('{user}', 'u').replaceAll('{port}', '0'));
  const secure = parsed.protocol === 'wss:';
  const port = Number(parsed.port || (secure ? 443 : 80));
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { host, port, origin: `${secure ? 'https' : 'http'}://${parsed.host}` };
}

/**
 * The path and query of a target URL, `{user}` kept: what a client appends to the proxy's
 * address.
 */
export function targetPath(url: string): string {
  return url.replace(/^wss?:\/\/[^/?#]*/i, '') || '/';
}

/** The target's own readiness check: its ready path over HTTP, or a TCP connect. */
function readyCheck(target: ScenarioTarget): (host: string, port: number) => Promise<boolean> {
  const path = target.readyPath;
  if (path === undefined) return tcpAccepts;
  return (host, port) =>
    httpAnswers(`http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`);
}

/** A foreign service someone else runs: no restarts. */
export class ExternalForeignServer implements ServerTarget {
  readonly restartable = false;
  readonly httpUrl: string;
  readonly upstream: string;
  readonly secret: string;
  readonly #target: ScenarioTarget;

  constructor(target: ScenarioTarget, secret: string) {
    const { host, port, origin } = targetAddress(target.url);
    this.httpUrl = origin;
    this.upstream = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.secret = secret;
    this.#target = target;
  }

  async start(): Promise<void> {
    const { host, port } = targetAddress(this.#target.url);
    if (!(await readyCheck(this.#target)(host, port))) {
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `target ${this.#target.url} is not reachable (${this.#target.readyPath === undefined ? `no TCP connection to ${this.upstream}` : `GET ${this.#target.readyPath} failed`})`,
      );
    }
  }

  stop(): Promise<void> {
    return Promise.reject(
      new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        'cannot stop a target someone else runs; start it with --server-cmd to restart it',
      ),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A foreign service the run starts (`--server-cmd`), ready when its port accepts. */
export function childForeignServer(
  target: ScenarioTarget,
  command: string,
  secret: string,
): ChildProcessServer {
  const check = readyCheck(target);
  return new ChildProcessServer(command, secret, {}, (server) => check('127.0.0.1', server.port));
}
