// The synchronous HS256 path must accept and refuse exactly what jose does: every case here is
// judged by both, and any disagreement fails.
import { createHmac, createSecretKey } from 'node:crypto';
import fc from 'fast-check';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyHs256 } from '../../src/server/hs256.js';
import { createTokenVerifier, ServerErrorCode } from '../../src/server/index.js';

const SECRET = 'hs256-test-secret-that-is-long-enough';
const key = createSecretKey(Buffer.from(SECRET));
const raw = new TextEncoder().encode(SECRET);
const NOW_MS = Date.UTC(2026, 11, 4, 12, 0, 0, 500);
const NOW_S = Math.floor(NOW_MS / 1000);
const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** jose's own verdict: valid (with the payload), expired or invalid. */
async function joseSays(token: string, nowMs: number): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, raw, {
      algorithms: ['HS256'],
      currentDate: new Date(nowMs),
    });
    return `valid ${JSON.stringify(payload)}`;
  } catch (error) {
    return error instanceof errors.JWTExpired ? 'expired' : 'invalid';
  }
}

/** The fast path's verdict, jose's where it is unsure. */
async function fastSays(token: string, nowMs: number): Promise<string> {
  const outcome = verifyHs256(token, key, nowMs);
  if (outcome.kind === 'unsure') return joseSays(token, nowMs);
  return outcome.kind === 'valid' ? `valid ${JSON.stringify(outcome.payload)}` : outcome.kind;
}

const sign = (payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256', ...header }).sign(raw);

/** Re-signs a hand-built header and payload with the secret (for headers jose will not make). */
function handSigned(header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

describe('verifyHs256 agrees with jose', () => {
  it('on hand-picked tokens: valid, expiry and nbf at the second, malformed claims and headers', async () => {
    const tokens = [
      await sign({ sub: 'alice', role: 'user', iat: NOW_S, exp: NOW_S + 60 }),
      await sign({ sub: 'alice', exp: NOW_S }), // expires at this very second
      await sign({ sub: 'alice', exp: NOW_S + 1 }),
      await sign({ sub: 'alice', nbf: NOW_S }),
      await sign({ sub: 'alice', nbf: NOW_S + 1 }),
      await sign({ sub: 'alice', iat: 1_700_000_000.123 }),
      await sign({ sub: 'alice', exp: 'soon' as unknown as number }),
      await sign({ sub: 'alice', iat: '1' as unknown as number, exp: NOW_S - 10 }),
      await sign({ sub: 'alice', nbf: null as unknown as number }),
      await sign({ sub: 'alice' }, { typ: 'JWT', kid: 'k1' }),
      await sign({ sub: 'alice' }, { b64: true, crit: ['b64'] }),
      handSigned({ alg: 'HS256' }, [1, 2]),
      handSigned({ alg: 'HS256' }, 'a string'),
      handSigned({ alg: 'none' }, { sub: 'alice' }),
      handSigned({ alg: 'HS512' }, { sub: 'alice' }),
      handSigned({ alg: 'HS256', crit: ['exp'] }, { sub: 'alice' }),
      handSigned(['HS256'], { sub: 'alice' }),
      `${b64({ alg: 'none' })}.${b64({ sub: 'alice' })}.`,
      'not-a-token',
      'a.b',
      'a.b.c.d',
    ];
    const valid = await sign({ sub: 'alice', exp: NOW_S + 60 });
    const [h, p, s] = valid.split('.') as [string, string, string];
    tokens.push(
      `${h}.${b64({ sub: 'mallory', exp: NOW_S + 60 })}.${s}`, // payload swapped
      `${h}.${p}.${s.slice(0, -1)}`, // signature one character short
      `${h}.${p}.${s}=`, // padded
      `${h}.${p}.${s.slice(0, 10)}*${s.slice(11)}`, // a character no base64url has
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`,
    );
    for (const token of tokens) {
      for (const now of [NOW_MS, NOW_S * 1000, NOW_S * 1000 - 1, (NOW_S + 1) * 1000]) {
        expect(await fastSays(token, now), `${token} at ${now}`).toBe(await joseSays(token, now));
      }
    }
  });

  it('on generated claims and times, and on tokens with one character changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            sub: fc.string({ minLength: 1, maxLength: 12 }),
            exp: fc.integer({ min: NOW_S - 3, max: NOW_S + 3 }),
            nbf: fc.integer({ min: NOW_S - 3, max: NOW_S + 3 }),
            iat: fc.double({ min: NOW_S - 100, max: NOW_S, noNaN: true }),
          },
          { requiredKeys: ['sub'] },
        ),
        fc.integer({ min: -3000, max: 3000 }),
        fc.nat(200),
        fc.constantFrom('A', 'z', '_', '-', '.', '=', '0'),
        async (claims, offsetMs, at, replacement) => {
          const token = await sign(claims);
          expect(await fastSays(token, NOW_MS + offsetMs)).toBe(
            await joseSays(token, NOW_MS + offsetMs),
          );
          const i = at % token.length;
          const changed = token.slice(0, i) + replacement + token.slice(i + 1);
          expect(await fastSays(changed, NOW_MS)).toBe(await joseSays(changed, NOW_MS));
        },
      ),
      { seed: 4, numRuns: 300 },
    );
  });

  it('takes the fast path for the tokens stormwatch signs, and hands unusual ones to jose', async () => {
    expect(verifyHs256(await sign({ sub: 'alice', exp: NOW_S + 60 }), key, NOW_MS).kind).toBe(
      'valid',
    );
    expect(
      verifyHs256(await sign({ sub: 'a' }, { b64: true, crit: ['b64'] }), key, NOW_MS).kind,
    ).toBe('unsure');
    expect(verifyHs256(handSigned({ alg: 'HS512' }, { sub: 'a' }), key, NOW_MS).kind).toBe(
      'unsure',
    );
  });

  it('the server verifier still names expiry and bad tokens as before', async () => {
    const verify = createTokenVerifier({ secret: SECRET });
    await expect(verify(await sign({ sub: 'alice', exp: NOW_S }), NOW_MS)).rejects.toMatchObject({
      code: ServerErrorCode.TOKEN_EXPIRED,
    });
    await expect(verify('a.b.c', NOW_MS)).rejects.toMatchObject({
      code: ServerErrorCode.UNAUTHORIZED,
    });
    await expect(
      verify(await sign({ sub: 'alice', role: 'publisher', iat: NOW_S, exp: NOW_S + 5 }), NOW_MS),
    ).resolves.toEqual({
      userId: 'alice',
      role: 'publisher',
      expiresAtMs: (NOW_S + 5) * 1000,
      issuedAtMs: NOW_S * 1000,
    });
  });
});
