import type { Clock, TokenProvider } from '../client/index.js';

/** Path of the demo-token endpoint (served only when the server runs in demo mode). */
export const DEMO_TOKEN_PATH = '/api/demo-token';

/** A token and what the page needs to know about it. */
export interface TokenGrant {
  token: string;
  /** The user the token names (`sub`). */
  userId: string;
  /** Expiry, epoch ms, when known. */
  expiresAtMs: number | undefined;
}

/** The claims the page reads from a JWT (it never verifies one: the server does). */
export interface TokenClaims {
  sub: string;
  /** `exp` in epoch ms, when present. */
  expiresAtMs: number | undefined;
}

/** `fetch` as the page uses it, injectable for tests. */
export type FetchLike = (
  url: string,
  init?: { headers?: Record<string, string> },
) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

function decodeBase64Url(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = globalThis.atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads `sub` and `exp` from a compact JWT without verifying it, to label the page and refresh
 * before expiry. Returns undefined for anything that is not a JWT with a string `sub`.
 */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const payload: unknown = JSON.parse(decodeBase64Url(parts[1]!));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { sub, exp } = payload as { sub?: unknown; exp?: unknown };
    if (typeof sub !== 'string' || sub === '') return undefined;
    return {
      sub,
      expiresAtMs: typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined,
    };
  } catch {
    return undefined;
  }
}

/** The HTTP(S) origin of an alert server base URL (ws: → http:, wss: → https:). */
export function httpBase(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/**
 * Asks the server for a demo token. Resolves undefined when the server is not in demo mode
 * (404); rejects on anything else that is not a token (network error, 429, a bad body).
 */
export async function fetchDemoToken(
  serverUrl: string,
  fetchFn: FetchLike,
): Promise<TokenGrant | undefined> {
  const response = await fetchFn(httpBase(serverUrl) + DEMO_TOKEN_PATH, {
    headers: { accept: 'application/json' },
  });
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new Error(`demo token: expected 200, got HTTP ${response.status}`);
  const body = (await response.json()) as { token?: unknown; userId?: unknown };
  if (typeof body.token !== 'string' || typeof body.userId !== 'string') {
    throw new Error('demo token: expected {token, userId} in the response');
  }
  return {
    token: body.token,
    userId: body.userId,
    expiresAtMs: readTokenClaims(body.token)?.expiresAtMs,
  };
}

/** A token provider that reuses a grant, and a way to drop it. */
export interface CachedTokenProvider {
  getToken: TokenProvider;
  /** Forgets the grant: the next `getToken` fetches a new one (call it when a token may be bad). */
  invalidate(): void;
}

/**
 * A token provider for the client that reuses a grant until `refreshMarginMs` before it expires
 * (or until invalidated), then asks `fetchGrant` for a new one. The client calls its provider
 * before every attempt, so short-lived demo tokens stay fresh across reconnects without a
 * request per retry.
 */
export function createCachedTokenProvider(
  first: TokenGrant,
  fetchGrant: () => Promise<TokenGrant>,
  clock: Clock,
  refreshMarginMs = 30_000,
): CachedTokenProvider {
  let grant: TokenGrant | undefined = first;
  return {
    async getToken() {
      const fresh =
        grant !== undefined &&
        (grant.expiresAtMs === undefined || grant.expiresAtMs - refreshMarginMs > clock.now());
      if (!fresh || grant === undefined) grant = await fetchGrant();
      return grant.token;
    },
    invalidate() {
      grant = undefined;
    },
  };
}
