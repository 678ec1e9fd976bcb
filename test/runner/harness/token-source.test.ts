// Tokens for a foreign service from a shell command, an environment variable, a file, or signed
// here; each failure says what the source gave.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../src/protocol/index.js';
import { RunnerError, RunnerErrorCode } from '../../../src/runner/errors.js';
import {
  describeTokenSource,
  runTokenCommand,
  TOKEN_COMMAND_TIMEOUT_MS,
  tokenProvider,
} from '../../../src/runner/harness/token-source.js';
import type { TokenSource } from '../../../src/runner/scenario/types.js';
import { createTokenVerifier } from '../../../src/server/auth.js';

const SECRET = 'token-source-test-secret-of-enough-length';

/** The provider of `source`, which must not be `none`. */
function provider(source: TokenSource): (userId: string) => Promise<string> {
  const fetch = tokenProvider(source, SECRET, 600);
  if (fetch === undefined) throw new Error(`expected a provider for ${source.kind}`);
  return fetch;
}

async function failure(promise: Promise<string>): Promise<RunnerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RunnerError);
    expect((error as RunnerError).code).toBe(RunnerErrorCode.START_FAILED);
    return error as RunnerError;
  }
  throw new Error('expected the token fetch to reject');
}

describe('runTokenCommand', () => {
  it('gives the trimmed output of the command, with the user in STORMWATCH_USER', async () => {
    expect(await runTokenCommand(`printf 'tok-%s' "$STORMWATCH_USER"`, 'alice')).toBe('tok-alice');
    expect(await runTokenCommand(`echo "  tok-$STORMWATCH_USER  "`, 'bob')).toBe('tok-bob');
  });

  it('quotes the last line of stderr when the command fails', async () => {
    const error = await failure(
      runTokenCommand('echo starting >&2; echo "no such user" >&2; exit 3', 'alice'),
    );
    expect(error.message).toBe('token command exited with 3: no such user');
    expect((await failure(runTokenCommand('exit 5', 'alice'))).message).toBe(
      'token command exited with 5',
    );
  });

  it('refuses a command that prints nothing', async () => {
    expect((await failure(runTokenCommand('printf "\\n  \\n"', 'alice'))).message).toBe(
      'token command printed nothing (expected the token on standard output)',
    );
  });

  it('refuses a command that prints more than one token', async () => {
    expect((await failure(runTokenCommand('echo tok-a tok-b', 'alice'))).message).toBe(
      'token command printed more than one token (expected one line without spaces)',
    );
    expect((await failure(runTokenCommand('printf "tok-a\\ntok-b\\n"', 'alice'))).message).toBe(
      'token command printed more than one token (expected one line without spaces)',
    );
  });

  it('kills a command still running after 10 s, with what it started', async () => {
    const clock = new SimulatedClock(0);
    let settled = false;
    const pending = failure(runTokenCommand('sleep 30; echo late', 'alice', clock)).finally(() => {
      settled = true;
    });
    clock.advance(TOKEN_COMMAND_TIMEOUT_MS - 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    clock.advance(1);
    expect((await pending).message).toBe('token command took over 10 s (killed)');
  });

  it('is what a cmd source runs, for each user', async () => {
    const fetch = provider({ kind: 'cmd', command: `printf 'tok-%s' "$STORMWATCH_USER"` });
    expect(await Promise.all([fetch('alice'), fetch('bob')])).toEqual(['tok-alice', 'tok-bob']);
    expect(describeTokenSource({ kind: 'cmd', command: 'secret-helper --print' })).toBe(
      'token from a command',
    );
  });
});

describe('env source', () => {
  const name = 'STORMWATCH_TEST_TOKEN_SOURCE';
  afterEach(() => {
    delete process.env[name];
  });

  it('gives the trimmed value, the same for every user, read at each fetch', async () => {
    const fetch = provider({ kind: 'env', name });
    process.env[name] = ' tok-shared\n';
    expect(await fetch('alice')).toBe('tok-shared');
    process.env[name] = 'tok-rotated';
    expect(await fetch('bob')).toBe('tok-rotated');
    expect(describeTokenSource({ kind: 'env', name })).toBe(`token from $${name}`);
  });

  it('refuses an unset or empty variable', async () => {
    const fetch = provider({ kind: 'env', name });
    expect((await failure(fetch('alice'))).message).toBe(`token: $${name} is not set or empty`);
    process.env[name] = '   ';
    expect((await failure(fetch('alice'))).message).toBe(`token: $${name} is not set or empty`);
  });
});

describe('file source', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stormwatch-token-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the file content without its trailing newline, read at each fetch', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'tok-from-file\n');
    const fetch = provider({ kind: 'file', path });
    expect(await fetch('alice')).toBe('tok-from-file');
    await writeFile(path, 'tok-renewed\n');
    expect(await fetch('alice')).toBe('tok-renewed');
    expect(describeTokenSource({ kind: 'file', path })).toBe(`token from ${path}`);
  });

  it('says a missing file is missing and an empty one is empty', async () => {
    const missing = join(dir, 'absent');
    expect((await failure(provider({ kind: 'file', path: missing })('alice'))).message).toBe(
      `token: cannot read ${missing} (no such file)`,
    );
    const empty = join(dir, 'empty');
    await writeFile(empty, '\n');
    expect((await failure(provider({ kind: 'file', path: empty })('alice'))).message).toBe(
      `token: ${empty} is empty`,
    );
  });
});

describe('hs256 and none', () => {
  it('signs a token the stormwatch verifier accepts, with a whole-second iat', async () => {
    const before = Date.now();
    const token = await provider({ kind: 'hs256' })('alice');
    const principal = await createTokenVerifier({ secret: SECRET })(token, Date.now());
    expect(principal.userId).toBe('alice');
    expect(principal.role).toBe('user');
    expect(principal.issuedAtMs! % 1000).toBe(0);
    expect(principal.expiresAtMs! - principal.issuedAtMs!).toBe(600_000);
    expect(principal.issuedAtMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      iat: unknown;
      exp: unknown;
    };
    expect(Number.isInteger(payload.iat)).toBe(true);
    expect(Number.isInteger(payload.exp)).toBe(true);
    expect(describeTokenSource({ kind: 'hs256' })).toBe('HS256 tokens signed with the run secret');
  });

  it('a token signed with another secret is refused by the verifier', async () => {
    const token = await tokenProvider({ kind: 'hs256' }, 'another-secret-of-enough-length', 60)!(
      'alice',
    );
    await expect(createTokenVerifier({ secret: SECRET })(token, Date.now())).rejects.toThrow(
      'invalid token',
    );
  });

  it('none gives no provider at all', () => {
    expect(tokenProvider({ kind: 'none' }, SECRET, 600)).toBeUndefined();
    expect(describeTokenSource({ kind: 'none' })).toBe('no token');
  });
});
