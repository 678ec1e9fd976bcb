// `config.target`: a foreign service under test, its profile, tokens and publishing.
import { checkProfile, type Profile } from '../../client/index.js';
import { quoteInput, type Path, type Reader } from './reader.js';
import type { PublishTarget, ScenarioTarget, TokenSource } from './types.js';

const TOKEN_WORDS = ['hs256', 'none'] as const;
const PUBLISH_WORDS = ['none', 'stormwatch'] as const;
const METHODS = ['POST', 'PUT', 'PATCH', 'GET'];

/**
 * The default request of a `publish: <url>` shorthand: the body every reference target takes,
 * `{"userId", "alert": {"id": marker, …}}`, with a publisher token.
 */
export function shorthandPublish(url: string): PublishTarget {
  return {
    kind: 'http',
    method: 'POST',
    url,
    headers: { authorization: 'Bearer {publisherToken}', 'content-type': 'application/json' },
    body: {
      userId: '{user}',
      alert: {
        id: '{marker}',
        severity: '{severity}',
        title: '{title}',
        source: 'stormwatch',
        detectedAt: '{detectedAt}',
      },
    },
  };
}

/** Checks an endpoint URL template: ws:// or wss://, with `{user}`. Returns a problem or undefined. */
export function targetUrlProblem(url: string, needsUser = true): string | undefined {
  if (needsUser && !url.includes('{user}')) {
    return `expected a ws:// or wss:// URL with {user} where the user id goes, got ${quoteInput(url)}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url.replaceAll('{user}', 'u').replaceAll('{port}', '1'));
  } catch {
    return `expected an absolute ws:// or wss:// URL, got ${quoteInput(url)}`;
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    return `expected a ws:// or wss:// URL, got ${parsed.protocol} in ${quoteInput(url)}`;
  }
  return undefined;
}

/** A profile given as a preset name or a mapping; issues land under `path`. */
export function readProfile(
  r: Reader,
  raw: unknown,
  path: Path,
): { profile: Profile; name: string } | undefined {
  const check = checkProfile(raw);
  if (!check.ok) {
    for (const issue of check.issues) r.issue([...path, ...issue.path], issue.message);
    return undefined;
  }
  return { profile: check.profile, name: typeof raw === 'string' ? raw : 'inline' };
}

/** `token:` — hs256 (default), none, {env}, {file} or {cmd}. */
export function readTokenSource(r: Reader, raw: unknown, path: Path): TokenSource {
  if (raw === undefined || raw === null) return { kind: 'hs256' };
  if (typeof raw === 'string') {
    if ((TOKEN_WORDS as readonly string[]).includes(raw)) return { kind: raw as 'hs256' | 'none' };
    r.issue(
      path,
      `expected hs256, none, {env: NAME}, {file: PATH} or {cmd: COMMAND}, got ${quoteInput(raw)}`,
    );
    return { kind: 'hs256' };
  }
  const m = r.mapping(raw, path);
  if (m === undefined) return { kind: 'hs256' };
  const keys = Object.keys(m);
  if (keys.length !== 1 || !['env', 'file', 'cmd'].includes(keys[0]!)) {
    r.issue(path, `expected exactly one of env, file, cmd, got ${keys.join(', ') || 'none'}`);
    return { kind: 'hs256' };
  }
  const key = keys[0] as 'env' | 'file' | 'cmd';
  const value = r.string(m[key], [...path, key], true);
  if (key === 'env') {
    if (value !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
      r.issue([...path, key], `expected an environment variable name, got ${quoteInput(value)}`);
    }
    return { kind: 'env', name: value };
  }
  return key === 'file' ? { kind: 'file', path: value } : { kind: 'cmd', command: value };
}

/** `publish:` — none (default), stormwatch, a URL (shorthand) or {method, url, headers, body}. */
export function readPublish(r: Reader, raw: unknown, path: Path): PublishTarget {
  if (raw === undefined || raw === null) return { kind: 'none' };
  if (typeof raw === 'string') {
    if ((PUBLISH_WORDS as readonly string[]).includes(raw)) {
      return { kind: raw as 'none' | 'stormwatch' };
    }
    const problem = publishUrlProblem(raw);
    if (problem !== undefined) r.issue(path, `expected none, stormwatch or ${problem}`);
    return shorthandPublish(raw);
  }
  const m = r.mapping(raw, path);
  if (m === undefined) return { kind: 'none' };
  r.onlyKeys(m, path, ['method', 'url', 'headers', 'body']);
  const url = r.string(m.url, [...path, 'url'], true);
  const problem = url === '' ? undefined : publishUrlProblem(url);
  if (problem !== undefined) r.issue([...path, 'url'], `expected ${problem}`);
  let method = 'POST';
  if (m.method !== undefined) {
    const given = r.string(m.method, [...path, 'method']);
    if (given !== undefined && !METHODS.includes(given.toUpperCase())) {
      r.issue(
        [...path, 'method'],
        `expected one of ${METHODS.join(', ')}, got ${quoteInput(given)}`,
      );
    } else if (given !== undefined) {
      method = given.toUpperCase();
    }
  }
  const headers: Record<string, string> = {};
  const rawHeaders = r.mapping(m.headers, [...path, 'headers']) ?? {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      r.issue([...path, 'headers', name], 'expected a header name (RFC 9110 token)');
    } else if (typeof value !== 'string') {
      r.issue([...path, 'headers', name], `expected a string, got ${quoteInput(value ?? null)}`);
    } else {
      headers[name.toLowerCase()] = value;
    }
  }
  if (m.body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/json';
  }
  const body = m.body;
  if (body !== undefined && !JSON.stringify(body).includes('{marker}')) {
    r.issue(
      [...path, 'body'],
      'expected {marker} somewhere in the body: it is how a delivered alert is matched to its publish',
    );
  }
  return { kind: 'http', method, url, headers, body };
}

function publishUrlProblem(url: string): string | undefined {
  if (url.startsWith('/')) return undefined;
  try {
    const parsed = new URL(url.replaceAll('{port}', '1'));
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return undefined;
  } catch {
    // Reported below.
  }
  return `an http(s):// URL or a path such as /publish, got ${quoteInput(url)}`;
}

/** `config.target`, or undefined when absent. */
export function readTarget(r: Reader, raw: unknown, path: Path): ScenarioTarget | undefined {
  const m = r.mapping(raw, path);
  if (m === undefined) return undefined;
  r.onlyKeys(m, path, ['url', 'profile', 'token', 'publish', 'ready']);
  const url = r.string(m.url, [...path, 'url'], true);
  const profile =
    m.profile === undefined
      ? { profile: { kind: 'stormwatch' } as Profile, name: 'stormwatch' }
      : readProfile(r, m.profile, [...path, 'profile']);
  if (url !== '') {
    // A Socket.IO URL names a namespace; the user comes from the token.
    const problem = targetUrlProblem(url, profile?.profile.kind !== 'socketio');
    if (problem !== undefined) r.issue([...path, 'url'], problem);
  }
  const readyPath = r.string(m.ready, [...path, 'ready']);
  if (readyPath !== undefined && !readyPath.startsWith('/')) {
    r.issue([...path, 'ready'], `expected a path such as /healthz, got ${quoteInput(readyPath)}`);
  }
  const publish = readPublish(r, m.publish, [...path, 'publish']);
  if (publish.kind === 'http' && profile !== undefined) {
    const problem = markerProblem(profile.profile);
    if (problem !== undefined) r.issue([...path, 'publish'], problem);
  }
  return {
    url,
    profile: profile?.profile ?? { kind: 'stormwatch' },
    profileName: profile?.name ?? 'stormwatch',
    token: readTokenSource(r, m.token, [...path, 'token']),
    publish,
    readyPath,
  };
}

/**
 * Why alerts published by a template could not be told apart with `profile`: the alert id is
 * the only place a delivered alert carries the marker.
 */
export function markerProblem(profile: Profile): string | undefined {
  if (profile.kind === 'stormwatch') {
    return 'a publish request needs a foreign profile whose alert.idPointer finds {marker}; for stormwatch use publish: stormwatch';
  }
  if (profile.alert?.idPointer === undefined) {
    return `the ${profile.kind} profile has no alert.idPointer: published alerts could not be matched to deliveries (point it at where {marker} lands)`;
  }
  return undefined;
}
