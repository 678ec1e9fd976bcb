import { describe, expect, it } from 'vitest';
import { checkProfile, PROFILE_PRESETS } from '../../../src/client/index.js';

function issues(input: unknown): string[] {
  const check = checkProfile(input);
  if (check.ok) throw new Error(`expected issues for ${JSON.stringify(input)}`);
  return check.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('checkProfile', () => {
  it('knows the presets by name', () => {
    const check = checkProfile('django-channels');
    expect(check).toEqual({ ok: true, profile: PROFILE_PRESETS['django-channels'] });
    expect(issues('django')).toEqual([
      ': expected a profile name (stormwatch, json, ws-ping, socketio, django-channels) or an object, got "django"',
    ]);
  });

  it('lets an object extend a preset and override fields', () => {
    const check = checkProfile({ extends: 'django-channels', path: '/alerts/{user}' });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.profile).toMatchObject({
      kind: 'json',
      path: '/alerts/{user}',
      alert: { dataPointer: '/data', idPointer: '/data/id' },
    });
  });

  it('names every problem with its path', () => {
    expect(
      issues({
        kind: 'json',
        path: 'ws/x',
        pong: { match: { type: 'pong' } },
        alert: { idPointer: 'data.id', extra: 1 },
        token: { in: 'cookie' },
        colour: 'red',
      }),
    ).toEqual([
      'colour: unknown field for a json profile (expected kind, path, subprotocols, token, ping, pong, alert, ignore, unexpected)',
      'path: expected a path starting with / that contains {user}, got "ws/x"',
      'token.in: expected header, query or subprotocol, got "cookie"',
      'pong.match.type: expected the key to be a JSON pointer such as "/type"',
      'alert.idPointer: expected a JSON pointer such as "/data/id" (RFC 6901), got "data.id"',
      'alert.extra: unknown field (expected match, dataPointer, idPointer, seqPointer)',
    ]);
    expect(issues({ kind: 'mqtt' })).toEqual([
      'kind: expected one of stormwatch, json, ws-ping, socketio, got "mqtt"',
    ]);
    expect(issues({ kind: 'ws-ping', ping: { frame: {} } })[0]).toMatch(/^ping: unknown field/);
    expect(issues({ kind: 'json', ignore: [{}] })).toEqual([
      'ignore.0: expected an object of JSON pointer → value, e.g. {"/type": "pong"}, got {}',
    ]);
  });
});
