import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TargetError, TargetErrorCode } from './errors.js';

/** Settings every target reads from the environment when run as a script. */
export interface TargetEnv {
  port: number;
  host: string;
  secret: string;
}

/** A started target, as the script runner sees it. */
export interface RunningTarget {
  /** The one line printed once it listens. */
  banner: string;
  close(): Promise<void>;
}

/** Reads PORT (required), HOST (default 127.0.0.1) and STORMWATCH_JWT_SECRET (required). */
export function readTargetEnv(env: NodeJS.ProcessEnv): TargetEnv {
  const rawPort = env.PORT;
  if (rawPort === undefined || rawPort === '') {
    throw configError('PORT is required: the TCP port to listen on (0 picks a free one)');
  }
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw configError(`expected PORT to be an integer 0-65535, got ${JSON.stringify(rawPort)}`);
  }
  const secret = env.STORMWATCH_JWT_SECRET;
  if (secret === undefined || secret === '') {
    throw configError('STORMWATCH_JWT_SECRET is required: the HS256 secret tokens are signed with');
  }
  const host = env.HOST === undefined || env.HOST === '' ? '127.0.0.1' : env.HOST;
  return { port, host, secret };
}

/** Reads a positive integer number of milliseconds from `env[name]`, or `defaultMs` if unset. */
export function readDurationEnv(env: NodeJS.ProcessEnv, name: string, defaultMs: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return defaultMs;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw configError(
      `expected ${name} to be a positive integer of milliseconds, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * Runs a target as a process: starts it, prints its banner, closes it on SIGTERM or SIGINT. A
 * configuration error is one line on stderr and exit code 2.
 */
export function runTargetScript(start: () => Promise<RunningTarget>): void {
  start().then(
    (target) => {
      process.stdout.write(`${target.banner}\n`);
      const stop = (): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        target.close().then(
          () => {
            process.exitCode = 0;
          },
          (error: unknown) => {
            process.stderr.write(`error while closing: ${describeError(error)}\n`);
            process.exitCode = 1;
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`${describeError(error)}\n`);
      process.exitCode =
        error instanceof TargetError && error.code === TargetErrorCode.CONFIG ? 2 : 1;
    },
  );
}

function configError(message: string): TargetError {
  return new TargetError(TargetErrorCode.CONFIG, message);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
