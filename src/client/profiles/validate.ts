// Checks a profile given as data (client options, a scenario's config.target, a profile file).
import { isJsonPointer } from './json-pointer.js';
import { PROFILE_PRESET_NAMES, PROFILE_PRESETS } from './presets.js';
import { PROFILE_KINDS, type Profile } from './types.js';

/** One problem with a profile: where (a path of keys from the profile's root) and what. */
export interface ProfileIssue {
  path: readonly (string | number)[];
  message: string;
}

/** A checked profile, or every problem found. */
export type ProfileCheck = { ok: true; profile: Profile } | { ok: false; issues: ProfileIssue[] };

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const COMMON_KEYS = ['kind', 'path', 'subprotocols', 'token'];
const KEYS: Record<Profile['kind'], readonly string[]> = {
  stormwatch: ['kind', 'path'],
  json: [...COMMON_KEYS, 'ping', 'pong', 'alert', 'ignore', 'unexpected'],
  'ws-ping': [...COMMON_KEYS, 'alert', 'ignore', 'unexpected'],
  socketio: ['kind', 'event', 'enginePath', 'alert', 'token'],
};

/**
 * Checks a profile: a preset name (`django-channels`, `json`, `ws-ping`, `stormwatch`) or an
 * object with `kind`. An object may name a preset as `extends` and override its fields.
 */
export function checkProfile(input: unknown): ProfileCheck {
  if (typeof input === 'string') {
    const preset = PROFILE_PRESETS[input];
    if (preset !== undefined) return { ok: true, profile: preset };
    return {
      ok: false,
      issues: [
        {
          path: [],
          message: `expected a profile name (${PROFILE_PRESET_NAMES.join(', ')}) or an object, got ${describe(input)}`,
        },
      ],
    };
  }
  if (!isObject(input)) {
    return {
      ok: false,
      issues: [
        { path: [], message: `expected a profile name or an object, got ${describe(input)}` },
      ],
    };
  }
  const issues: ProfileIssue[] = [];
  let base: Obj = {};
  let merged: Obj = { ...input };
  if (input.extends !== undefined) {
    const preset = typeof input.extends === 'string' ? PROFILE_PRESETS[input.extends] : undefined;
    if (preset === undefined) {
      issues.push({
        path: ['extends'],
        message: `expected one of ${PROFILE_PRESET_NAMES.join(', ')}, got ${describe(input.extends)}`,
      });
    } else {
      base = preset as unknown as Obj;
    }
    const { extends: _ignored, ...rest } = input;
    merged = { ...base, ...rest };
  }
  const kind = merged.kind;
  if (!PROFILE_KINDS.includes(kind as Profile['kind'])) {
    issues.push({
      path: ['kind'],
      message: `expected one of ${PROFILE_KINDS.join(', ')}, got ${describe(kind)}`,
    });
    return { ok: false, issues };
  }
  const allowed = KEYS[kind as Profile['kind']];
  for (const key of Object.keys(input)) {
    if (key !== 'extends' && !allowed.includes(key)) {
      issues.push({
        path: [key],
        message: `unknown field for a ${String(kind)} profile (expected ${allowed.join(', ')})`,
      });
    }
  }
  if (kind === 'socketio') {
    checkSocketIo(merged, issues);
    return issues.length > 0
      ? { ok: false, issues }
      : { ok: true, profile: merged as unknown as Profile };
  }
  checkCommon(merged, issues);
  if (kind === 'json') {
    checkPing(merged.ping, issues);
    checkPong(merged.pong, issues);
  }
  if (kind !== 'stormwatch') {
    checkAlert(merged.alert, issues);
    checkIgnore(merged.ignore, issues);
    if (
      merged.unexpected !== undefined &&
      merged.unexpected !== 'error' &&
      merged.unexpected !== 'ignore'
    ) {
      issues.push({
        path: ['unexpected'],
        message: `expected error or ignore, got ${describe(merged.unexpected)}`,
      });
    }
  }
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, profile: merged as unknown as Profile };
}

function checkCommon(profile: Obj, issues: ProfileIssue[]): void {
  const { path, subprotocols, token } = profile;
  if (
    path !== undefined &&
    (typeof path !== 'string' || !path.startsWith('/') || !path.includes('{user}'))
  ) {
    issues.push({
      path: ['path'],
      message: `expected a path starting with / that contains {user}, got ${describe(path)}`,
    });
  }
  if (
    subprotocols !== undefined &&
    (!Array.isArray(subprotocols) ||
      !subprotocols.every(
        (item) => typeof item === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(item),
      ))
  ) {
    issues.push({
      path: ['subprotocols'],
      message: `expected a list of subprotocol tokens (RFC 6455 §4.1), got ${describe(subprotocols)}`,
    });
  }
  if (token === undefined) return;
  if (!isObject(token)) {
    issues.push({ path: ['token'], message: `expected an object with in, got ${describe(token)}` });
    return;
  }
  if (token.in !== 'header' && token.in !== 'query' && token.in !== 'subprotocol') {
    issues.push({
      path: ['token', 'in'],
      message: `expected header, query or subprotocol, got ${describe(token.in)}`,
    });
  }
  for (const key of ['name', 'prefix'] as const) {
    if (token[key] !== undefined && typeof token[key] !== 'string') {
      issues.push({
        path: ['token', key],
        message: `expected a string, got ${describe(token[key])}`,
      });
    }
  }
  if (token.name !== undefined && token.name === '') {
    issues.push({ path: ['token', 'name'], message: 'expected a non-empty name' });
  }
  for (const key of Object.keys(token)) {
    if (!['in', 'name', 'prefix'].includes(key)) {
      issues.push({ path: ['token', key], message: 'unknown field (expected in, name, prefix)' });
    }
  }
}

function checkPointer(value: unknown, path: (string | number)[], issues: ProfileIssue[]): void {
  if (value !== undefined && !isJsonPointer(value)) {
    issues.push({
      path,
      message: `expected a JSON pointer such as "/data/id" (RFC 6901), got ${describe(value)}`,
    });
  }
}

function checkMatch(value: unknown, path: (string | number)[], issues: ProfileIssue[]): void {
  if (!isObject(value) || Object.keys(value).length === 0) {
    issues.push({
      path,
      message: `expected an object of JSON pointer → value, e.g. {"/type": "pong"}, got ${describe(value)}`,
    });
    return;
  }
  for (const [pointer, expected] of Object.entries(value)) {
    if (!isJsonPointer(pointer)) {
      issues.push({
        path: [...path, pointer],
        message: 'expected the key to be a JSON pointer such as "/type"',
      });
    }
    if (expected !== null && !['string', 'number', 'boolean'].includes(typeof expected)) {
      issues.push({
        path: [...path, pointer],
        message: `expected a string, number, boolean or null, got ${describe(expected)}`,
      });
    }
  }
}

function checkPing(ping: unknown, issues: ProfileIssue[]): void {
  if (ping === undefined) return;
  if (!isObject(ping) || !isObject(ping.frame)) {
    issues.push({
      path: ['ping'],
      message: `expected {frame: {…}, idPointer?}, got ${describe(ping)}`,
    });
    return;
  }
  checkPointer(ping.idPointer, ['ping', 'idPointer'], issues);
}

function checkPong(pong: unknown, issues: ProfileIssue[]): void {
  if (pong === undefined) return;
  if (!isObject(pong)) {
    issues.push({
      path: ['pong'],
      message: `expected {match: {…}, idPointer?}, got ${describe(pong)}`,
    });
    return;
  }
  checkMatch(pong.match, ['pong', 'match'], issues);
  checkPointer(pong.idPointer, ['pong', 'idPointer'], issues);
}

function checkAlert(alert: unknown, issues: ProfileIssue[]): void {
  if (alert === undefined) return;
  if (!isObject(alert)) {
    issues.push({
      path: ['alert'],
      message: `expected {match?, dataPointer?, idPointer?, seqPointer?}, got ${describe(alert)}`,
    });
    return;
  }
  if (alert.match !== undefined) checkMatch(alert.match, ['alert', 'match'], issues);
  for (const key of ['dataPointer', 'idPointer', 'seqPointer'] as const) {
    checkPointer(alert[key], ['alert', key], issues);
  }
  for (const key of Object.keys(alert)) {
    if (!['match', 'dataPointer', 'idPointer', 'seqPointer'].includes(key)) {
      issues.push({
        path: ['alert', key],
        message: 'unknown field (expected match, dataPointer, idPointer, seqPointer)',
      });
    }
  }
}

function checkIgnore(ignore: unknown, issues: ProfileIssue[]): void {
  if (ignore === undefined) return;
  if (!Array.isArray(ignore)) {
    issues.push({
      path: ['ignore'],
      message: `expected a list of matches, got ${describe(ignore)}`,
    });
    return;
  }
  ignore.forEach((match, index) => checkMatch(match, ['ignore', index], issues));
}

function checkSocketIo(profile: Obj, issues: ProfileIssue[]): void {
  const { event, enginePath, token } = profile;
  if (event !== undefined && (typeof event !== 'string' || event === '')) {
    issues.push({ path: ['event'], message: `expected an event name, got ${describe(event)}` });
  }
  if (enginePath !== undefined && (typeof enginePath !== 'string' || !enginePath.startsWith('/'))) {
    issues.push({
      path: ['enginePath'],
      message: `expected a path such as /socket.io/, got ${describe(enginePath)}`,
    });
  }
  checkAlert(profile.alert, issues);
  if (token === undefined) return;
  if (!isObject(token) || !['auth', 'header', 'query'].includes(token.in as string)) {
    issues.push({
      path: ['token', 'in'],
      message: `expected auth, header or query, got ${describe(isObject(token) ? token.in : token)}`,
    });
  }
}

/** Formats an issue's path as `pong.match./type` (empty for the root). */
export function formatIssuePath(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}
