// Tokens for a foreign service: signed here, or taken from an environment variable, a file or a
// command the user gives.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../../protocol/index.js';
import { signToken } from '../../server/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { TokenSource } from '../scenario/types.js';

/** Fetches a token for one user; undefined when the source is `none`. */
export type UserTokenProvider = ((userId: string) => Promise<string>) | undefined;

/** How long a token command may run, ms. */
export const TOKEN_COMMAND_TIMEOUT_MS = 10_000;

/** What a token command or file gave: at most this much is a token (a page of output is not). */
const MAX_TOKEN_BYTES = 16 * 1024;

/**
 * A token provider for `source`. HS256 tokens carry whole-second `iat` and `exp` (some JWT
 * libraries, PyJWT among them, refuse a fractional `iat` during the second it was issued in).
 */
export function tokenProvider(
  source: TokenSource,
  secret: string,
  ttlS: number,
): UserTokenProvider {
  switch (source.kind) {
    case 'none':
      return undefined;
    case 'hs256':
      return (userId) =>
        signToken(
          { sub: userId, expiresInS: ttlS, nowMs: Math.floor(systemClock.now() / 1000) * 1000 },
          secret,
        );
    case 'env':
      return () => {
        const value = process.env[source.name]?.trim();
        if (value === undefined || value === '') {
          return Promise.reject(tokenError(`token: $${source.name} is not set or empty`));
        }
        return Promise.resolve(value);
      };
    case 'file':
      return async () => {
        let text: string;
        try {
          text = (await readFile(source.path, 'utf8')).trim();
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          throw tokenError(
            `token: cannot read ${source.path} (${code === 'ENOENT' ? 'no such file' : code})`,
          );
        }
        if (text === '') throw tokenError(`token: ${source.path} is empty`);
        if (text.length > MAX_TOKEN_BYTES) {
          throw tokenError(
            `token: ${source.path} holds ${text.length} characters, expected a token`,
          );
        }
        return text;
      };
    case 'cmd':
      return (userId) => runTokenCommand(source.command, userId);
  }
}

/** A one-line description of a source for the start line and the report. */
export function describeTokenSource(source: TokenSource): string {
  switch (source.kind) {
    case 'none':
      return 'no token';
    case 'hs256':
      return 'HS256 tokens signed with the run secret';
    case 'env':
      return `token from $${source.name}`;
    case 'file':
      return `token from ${source.path}`;
    case 'cmd':
      return 'token from a command';
  }
}

function tokenError(message: string): RunnerError {
  return new RunnerError(RunnerErrorCode.START_FAILED, message);
}

/**
 * Runs `command` in a shell with the user in `STORMWATCH_USER`; resolves with its trimmed
 * standard output. A non-zero exit, no output or a run over 10 s rejects, quoting stderr's last
 * line.
 */
export function runTokenCommand(
  command: string,
  userId: string,
  clock: Clock = systemClock,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      // Its own process group, so a timeout kills what the shell started too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STORMWATCH_USER: userId },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length <= MAX_TOKEN_BYTES) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-500);
    });
    const timer = clock.setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(tokenError(`token command took over ${TOKEN_COMMAND_TIMEOUT_MS / 1000} s (killed)`));
    }, TOKEN_COMMAND_TIMEOUT_MS);
    child.once('error', (error) => {
      clock.clearTimeout(timer);
      reject(tokenError(`token command could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clock.clearTimeout(timer);
      const last = stderr.trim().split('\n').pop() ?? '';
      const token = stdout.trim();
      if (code !== 0) {
        reject(
          tokenError(
            `token command exited with ${code ?? signal}${last === '' ? '' : `: ${last.slice(0, 100)}`}`,
          ),
        );
      } else if (token === '' || token.length > MAX_TOKEN_BYTES || /\s/.test(token)) {
        reject(
          tokenError(
            token === ''
              ? 'token command printed nothing (expected the token on standard output)'
              : 'token command printed more than one token (expected one line without spaces)',
          ),
        );
      } else {
        resolve(token);
      }
    });
  });
}
