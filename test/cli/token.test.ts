import { afterEach, describe, expect, it, vi } from 'vitest';
import { token } from '../../src/cli/token.js';
import { createTokenVerifier } from '../../src/server/index.js';

const SECRET = 'token-test-secret-long-enough-for-hs256';

async function mint(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const code = await token(argv);
  return { code, stdout };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('stormwatch token', () => {
  it('prints only a token the server accepts, with the sub, role and lifetime asked for', async () => {
    vi.stubEnv('STORMWATCH_JWT_SECRET', SECRET);
    const before = Date.now();
    const { code, stdout } = await mint(['--sub', 'alice', '--role', 'publisher', '--ttl', '2h']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const principal = await createTokenVerifier({ secret: SECRET })(stdout.trim(), Date.now());
    expect(principal).toMatchObject({ userId: 'alice', role: 'publisher' });
    const lifetimeS = ((principal.expiresAtMs ?? 0) - before) / 1000;
    expect(lifetimeS).toBeGreaterThan(7198);
    expect(lifetimeS).toBeLessThanOrEqual(7200);
  });

  it('makes a user token for one hour by default', async () => {
    vi.stubEnv('STORMWATCH_JWT_SECRET', SECRET);
    const { stdout } = await mint(['--sub', 'bob']);
    const principal = await createTokenVerifier({ secret: SECRET })(stdout.trim(), Date.now());
    expect(principal.role).toBe('user');
    expect(((principal.expiresAtMs ?? 0) - Date.now()) / 1000).toBeGreaterThan(3590);
  });

  it('refuses to sign without a secret, and bad flags, naming what arrived', async () => {
    vi.stubEnv('STORMWATCH_JWT_SECRET', '');
    await expect(mint(['--sub', 'alice'])).rejects.toThrow(
      'STORMWATCH_JWT_SECRET is not set: a token is signed with the secret the server verifies with',
    );
    vi.stubEnv('STORMWATCH_JWT_SECRET', SECRET);
    await expect(mint([])).rejects.toThrow(
      '--sub: expected a user id of 1..128 characters, got nothing',
    );
    await expect(mint(['--sub', 'a', '--role', 'admin'])).rejects.toThrow(
      '--role: expected user or publisher, got "admin"',
    );
    await expect(mint(['--sub', 'a', '--ttl', 'forever'])).rejects.toThrow(
      '--ttl: expected a duration from 1s to 365d such as "1h", got "forever"',
    );
  });
});
