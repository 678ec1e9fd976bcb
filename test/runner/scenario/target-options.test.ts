// Command-line target flags over a scenario: presets, profile and request files with file:line
// errors, and the same refusals as config.target.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_PRESETS } from '../../../src/client/index.js';
import {
  applyTargetOptions,
  formatLocation,
  parseScenario,
  RunnerError,
  ScenarioError,
  type Scenario,
  type TargetOptions,
} from '../../../src/runner/index.js';
import { shorthandPublish } from '../../../src/runner/scenario/validate-target.js';

const URL_TEMPLATE = 'ws://127.0.0.1:8000/ws/breach-alerts/{user}/';

/** A scenario with `config` lines after `clients: 2` and `method` steps. */
function scenario(config: string[] = [], method = ['- { at: 1s, action: wait, duration: 1s }']) {
  return parseScenario(
    [
      'version: 1',
      'title: Flags',
      'config:',
      '  clients: 2',
      ...config.map((line) => `  ${line}`),
      'steady_state:',
      '  probes:',
      '    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }',
      'method:',
      ...method.map((line) => `  ${line}`),
      '',
    ].join('\n'),
    'flags.yaml',
  );
}

const withTarget = (): Scenario =>
  scenario([
    'target:',
    `  url: ${URL_TEMPLATE}`,
    '  profile: django-channels',
    '  token: { env: ALERTS_TOKEN }',
    '  publish: /publish',
    '  ready: /healthz',
  ]);

/** The RunnerError `applyTargetOptions` rejects with. */
async function rejection(s: Scenario, options: TargetOptions): Promise<RunnerError> {
  try {
    await applyTargetOptions(s, options);
  } catch (error) {
    expect(error).toBeInstanceOf(RunnerError);
    return error as RunnerError;
  }
  throw new Error('expected applyTargetOptions to reject');
}

describe('applyTargetOptions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stormwatch-target-options-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('returns the scenario itself when no flag is given', async () => {
    const s = withTarget();
    expect(await applyTargetOptions(s, {})).toBe(s);
    expect(await applyTargetOptions(s, { profile: undefined, target: undefined })).toBe(s);
  });

  it('refuses a flag without --target on a scenario that has no target', async () => {
    const error = await rejection(scenario(), { profile: 'json' });
    expect(error.message).toBe('--profile: needs --target URL (or config.target in the scenario)');
    expect((await rejection(scenario(), { tokenCmd: 'true' })).message).toBe(
      '--token-cmd: needs --target URL (or config.target in the scenario)',
    );
  });

  it('refuses two token flags', async () => {
    const error = await rejection(withTarget(), { tokenEnv: 'A', tokenFile: '/run/token' });
    expect(error.message).toBe('--token-env, --token-file, --token-cmd: give at most one of them');
  });

  it('builds a target from --target and a preset, with the defaults', async () => {
    const s = scenario();
    const applied = await applyTargetOptions(s, {
      target: URL_TEMPLATE,
      profile: 'django-channels',
    });
    expect(applied.config.target).toEqual({
      url: URL_TEMPLATE,
      profile: PROFILE_PRESETS['django-channels'],
      profileName: 'django-channels',
      token: { kind: 'hs256' },
      publish: { kind: 'none' },
      readyPath: undefined,
    });
    expect(applied.config.clients).toBe(2);
    expect(s.config.target).toBeUndefined();
  });

  it('needs a profile for a new target, and a ws:// url with {user}', async () => {
    expect((await rejection(scenario(), { target: URL_TEMPLATE })).message).toBe(
      '--target: needs --profile (django-channels, json, ws-ping or a profile file)',
    );
    expect(
      (await rejection(scenario(), { target: 'ws://127.0.0.1:8000/ws/', profile: 'json' })).message,
    ).toBe(
      '--target: expected a ws:// or wss:// URL with {user} where the user id goes, got "ws://127.0.0.1:8000/ws/"',
    );
  });

  it('overrides the scenario target part by part', async () => {
    const applied = await applyTargetOptions(withTarget(), {
      target: 'wss://alerts.example/ws/{user}',
      tokenCmd: 'printf tok',
    });
    expect(applied.config.target).toEqual({
      url: 'wss://alerts.example/ws/{user}',
      profile: PROFILE_PRESETS['django-channels'],
      profileName: 'django-channels',
      token: { kind: 'cmd', command: 'printf tok' },
      publish: shorthandPublish('/publish'),
      readyPath: '/healthz',
    });
  });

  it('reports a mistake in a profile file at its file and line', async () => {
    const file = await write(
      'bad-profile.yaml',
      [
        '# breach alerts from the Django backend',
        'extends: django-channels',
        'alert:',
        '  idPointer: data.id',
        '',
      ].join('\n'),
    );
    const error = await rejection(scenario(), { target: URL_TEMPLATE, profile: file });
    expect(error).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems;
    expect(problems).toEqual([
      {
        file,
        line: 4,
        column: 3,
        field: 'alert.idPointer',
        message: 'expected a JSON pointer such as "/data/id" (RFC 6901), got "data.id"',
      },
    ]);
    expect(formatLocation(problems[0]!)).toBe(
      `${file}:4:3: alert.idPointer: expected a JSON pointer such as "/data/id" (RFC 6901), got "data.id"`,
    );
    expect(error.message).toContain(`${file}:4:`);
  });

  it('reads a valid profile file that extends a preset, named by its path', async () => {
    const file = await write(
      'profile.json',
      JSON.stringify({ extends: 'django-channels', token: { in: 'query', name: 'token' } }),
    );
    const applied = await applyTargetOptions(scenario(), { target: URL_TEMPLATE, profile: file });
    expect(applied.config.target?.profileName).toBe(file);
    expect(applied.config.target?.profile).toEqual({
      ...PROFILE_PRESETS['django-channels'],
      token: { in: 'query', name: 'token' },
    });
  });

  it('says a missing profile file is missing', async () => {
    const file = join(dir, 'absent.yaml');
    const error = await rejection(scenario(), { target: URL_TEMPLATE, profile: file });
    expect(error.message).toBe(`${file}: cannot read a client profile (no such file)`);
  });

  it('refuses the stormwatch profile and unknown preset names', async () => {
    expect((await rejection(withTarget(), { profile: 'stormwatch' })).message).toBe(
      '--profile: stormwatch is the default for stormwatch servers; a --target needs a foreign profile (django-channels, json, ws-ping or a file)',
    );
    expect((await rejection(withTarget(), { profile: 'socket.io' })).message).toBe(
      '--profile: expected a profile name (stormwatch, json, ws-ping, socketio, django-channels) or an object, got "socket.io" (or a .yaml/.json profile file)',
    );
  });

  it('takes --publish none and a path as the shorthand request', async () => {
    const none = await applyTargetOptions(withTarget(), { publish: 'none' });
    expect(none.config.target?.publish).toEqual({ kind: 'none' });
    const shorthand = await applyTargetOptions(scenario(), {
      target: URL_TEMPLATE,
      profile: 'django-channels',
      publish: '/publish',
    });
    expect(shorthand.config.target?.publish).toEqual(shorthandPublish('/publish'));
    expect((await rejection(withTarget(), { publish: 'ftp://x/publish' })).message).toBe(
      '--publish: expected none, stormwatch or an http(s):// URL or a path such as /publish, got "ftp://x/publish"',
    );
  });

  it('reads a request file, and reports a bad method at its line', async () => {
    const file = await write(
      'req.yaml',
      [
        'method: put',
        'url: /api/alerts/{user}',
        'headers: { X-Api-Key: "${ALERTS_KEY}" }',
        'body: { id: "{marker}", title: "{title}" }',
        '',
      ].join('\n'),
    );
    const applied = await applyTargetOptions(withTarget(), { publish: file });
    expect(applied.config.target?.publish).toEqual({
      kind: 'http',
      method: 'PUT',
      url: '/api/alerts/{user}',
      headers: { 'x-api-key': '${ALERTS_KEY}', 'content-type': 'application/json' },
      body: { id: '{marker}', title: '{title}' },
    });

    const bad = await write(
      'bad-req.yaml',
      ['url: /api/alerts', 'method: DELETE', 'body: { id: "{marker}" }', ''].join('\n'),
    );
    const error = await rejection(withTarget(), { publish: bad });
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.message).toBe(
      `${bad}:2:1: method: expected one of POST, PUT, PATCH, GET, got "DELETE"`,
    );
  });

  it('refuses --ready without a leading slash', async () => {
    expect((await rejection(withTarget(), { ready: 'healthz' })).message).toBe(
      '--ready: expected a path such as /healthz, got "healthz"',
    );
    const applied = await applyTargetOptions(withTarget(), { ready: '/ready' });
    expect(applied.config.target?.readyPath).toBe('/ready');
  });

  it('refuses a publish request with a profile that cannot read the alert id', async () => {
    const error = await rejection(scenario(), {
      target: URL_TEMPLATE,
      profile: 'ws-ping',
      publish: '/publish',
    });
    expect(error.message).toBe(
      '--publish: the ws-ping profile has no alert.idPointer: published alerts could not be matched to deliveries (point it at where {marker} lands)',
    );
    // The scenario's own publish request is checked against a profile given as a flag too.
    expect((await rejection(withTarget(), { profile: 'ws-ping' })).message).toMatch(
      /^--publish: the ws-ping profile has no alert\.idPointer/,
    );
  });

  it('refuses a target for a scenario that revokes tokens or runs on Redis', async () => {
    const revoking = scenario(
      [],
      ['- { at: 1s, action: wait, duration: 1s }', '- { at: 2s, action: token.expire }'],
    );
    expect(
      (await rejection(revoking, { target: URL_TEMPLATE, profile: 'django-channels' })).message,
    ).toBe(
      "flags.yaml:10: token.expire revokes tokens through stormwatch's server; a foreign target has no revocation",
    );
    const redis = scenario(['topology: { instances: 2, broker: redis }']);
    expect(
      (await rejection(redis, { target: URL_TEMPLATE, profile: 'django-channels' })).message,
    ).toBe('--target: flags.yaml runs a topology on Redis; a foreign target is one service');
  });
});
