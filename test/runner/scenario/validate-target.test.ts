// `config.target`: a foreign service, read from scenario YAML with every problem at its line.
import { describe, expect, it } from 'vitest';
import { PROFILE_PRESETS } from '../../../src/client/index.js';
import { parseScenario, ScenarioError, type ScenarioLocation } from '../../../src/runner/index.js';
import { shorthandPublish } from '../../../src/runner/scenario/validate-target.js';

const URL_TEMPLATE = 'ws://127.0.0.1:8000/ws/breach-alerts/{user}/';

/**
 * A minimal scenario whose `config.target` holds `target` (lines from 6 on, indented by four),
 * `config` lines after `clients: 2` (line 4) and `method` steps from line 6 + target lines + 5.
 */
function scenarioText(
  target: string[],
  options: { config?: string[]; method?: string[] } = {},
): string {
  return [
    'version: 1',
    'title: Foreign target',
    'config:',
    '  clients: 2',
    '  target:',
    ...target.map((line) => `    ${line}`),
    ...(options.config ?? []).map((line) => `  ${line}`),
    'steady_state:',
    '  probes:',
    '    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }',
    'method:',
    ...(options.method ?? ['- { at: 1s, action: wait, duration: 1s }']).map((line) => `  ${line}`),
    '',
  ].join('\n');
}

const VALID_TARGET = [
  `url: ${URL_TEMPLATE}`,
  'profile: django-channels',
  `token: { cmd: "printf 'tok-%s' \\"$STORMWATCH_USER\\"" }`,
  'publish: /publish',
];

function problemsOf(text: string): ScenarioLocation[] {
  try {
    parseScenario(text, 'target.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems;
  }
  throw new Error('expected a ScenarioError');
}

/** The one problem of `text`, as `line: field: message`. */
function onlyProblem(text: string): string {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  const [p] = problems;
  return `${p!.line}: ${p!.field}: ${p!.message}`;
}

describe('config.target', () => {
  it('reads url, preset profile, token command and shorthand publish into the target', () => {
    const scenario = parseScenario(scenarioText(VALID_TARGET), 'target.yaml');
    expect(scenario.config.target).toEqual({
      url: URL_TEMPLATE,
      profile: PROFILE_PRESETS['django-channels'],
      profileName: 'django-channels',
      token: { kind: 'cmd', command: `printf 'tok-%s' "$STORMWATCH_USER"` },
      publish: {
        kind: 'http',
        method: 'POST',
        url: '/publish',
        headers: {
          authorization: 'Bearer {publisherToken}',
          'content-type': 'application/json',
        },
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
      },
      readyPath: undefined,
    });
    expect(shorthandPublish('/publish')).toEqual(scenario.config.target?.publish);
  });

  it('defaults to HS256 tokens and no publishing; reads ready and a full request', () => {
    const scenario = parseScenario(
      scenarioText([
        `url: ${URL_TEMPLATE}`,
        'profile: { extends: django-channels, token: { in: query, name: token } }',
        'ready: /healthz',
      ]),
      'target.yaml',
    );
    expect(scenario.config.target).toMatchObject({
      profileName: 'inline',
      profile: { ...PROFILE_PRESETS['django-channels'], token: { in: 'query', name: 'token' } },
      token: { kind: 'hs256' },
      publish: { kind: 'none' },
      readyPath: '/healthz',
    });

    const custom = parseScenario(
      scenarioText([
        `url: ${URL_TEMPLATE}`,
        'profile: django-channels',
        'token: { env: ALERTS_TOKEN }',
        'publish:',
        '  method: put',
        '  url: "http://127.0.0.1:{port}/alerts/{user}"',
        '  headers: { X-Api-Key: "${ALERTS_KEY}" }',
        '  body: { id: "{marker}", text: "{title}" }',
      ]),
      'target.yaml',
    );
    expect(custom.config.target?.token).toEqual({ kind: 'env', name: 'ALERTS_TOKEN' });
    expect(custom.config.target?.publish).toEqual({
      kind: 'http',
      method: 'PUT',
      url: 'http://127.0.0.1:{port}/alerts/{user}',
      headers: { 'x-api-key': '${ALERTS_KEY}', 'content-type': 'application/json' },
      body: { id: '{marker}', text: '{title}' },
    });
  });

  it('refuses a url without {user}, at the url line', () => {
    const text = scenarioText([
      'url: ws://127.0.0.1:8000/ws/breach-alerts/',
      ...VALID_TARGET.slice(1),
    ]);
    expect(onlyProblem(text)).toBe(
      '6: config.target.url: expected a ws:// or wss:// URL with {user} where the user id goes, got "ws://127.0.0.1:8000/ws/breach-alerts/"',
    );
    expect(problemsOf(text)[0]).toMatchObject({ file: 'target.yaml', line: 6, column: 5 });
  });

  it('refuses an http:// url', () => {
    expect(
      onlyProblem(
        scenarioText(['url: http://127.0.0.1:8000/ws/{user}/', ...VALID_TARGET.slice(1)]),
      ),
    ).toBe(
      '6: config.target.url: expected a ws:// or wss:// URL, got http: in "http://127.0.0.1:8000/ws/{user}/"',
    );
  });

  it('refuses an unknown profile name', () => {
    expect(
      onlyProblem(scenarioText([VALID_TARGET[0]!, 'profile: socket.io', ...VALID_TARGET.slice(2)])),
    ).toBe(
      '7: config.target.profile: expected a profile name (stormwatch, json, ws-ping, socketio, django-channels) or an object, got "socket.io"',
    );
  });

  it('points a bad pointer in a profile mapping at its own line, not at a stormwatch default', () => {
    const text = scenarioText([
      VALID_TARGET[0]!,
      'profile:',
      '  extends: django-channels',
      '  alert:',
      '    match: { /type: breach_alert }',
      '    idPointer: data.id',
      'publish: none',
    ]);
    expect(onlyProblem(text)).toBe(
      '11: config.target.profile.alert.idPointer: expected a JSON pointer such as "/data/id" (RFC 6901), got "data.id"',
    );
    // The one-line error a user sees is that problem.
    expect(() => parseScenario(text, 'target.yaml')).toThrow(
      'target.yaml:11:9: config.target.profile.alert.idPointer: expected a JSON pointer',
    );
  });

  it('refuses a token variable that is not a name', () => {
    expect(
      onlyProblem(
        scenarioText([...VALID_TARGET.slice(0, 2), 'token: { env: 1BAD }', VALID_TARGET[3]!]),
      ),
    ).toBe('8: config.target.token.env: expected an environment variable name, got "1BAD"');
  });

  it('refuses a token with two sources', () => {
    expect(
      onlyProblem(
        scenarioText([
          ...VALID_TARGET.slice(0, 2),
          'token: { env: ALERTS_TOKEN, file: /run/token }',
          VALID_TARGET[3]!,
        ]),
      ),
    ).toBe('8: config.target.token: expected exactly one of env, file, cmd, got env, file');
  });

  it('refuses a request body without {marker}, at the body line', () => {
    expect(
      onlyProblem(
        scenarioText([
          ...VALID_TARGET.slice(0, 3),
          'publish:',
          '  url: /publish',
          '  body: { userId: "{user}", id: "{title}" }',
        ]),
      ),
    ).toBe(
      '11: config.target.publish.body: expected {marker} somewhere in the body: it is how a delivered alert is matched to its publish',
    );
  });

  it('refuses a publish request with a profile that cannot read the alert id', () => {
    expect(
      onlyProblem(scenarioText([VALID_TARGET[0]!, 'profile: ws-ping', 'publish: /publish'])),
    ).toBe(
      '8: config.target.publish: the ws-ping profile has no alert.idPointer: published alerts could not be matched to deliveries (point it at where {marker} lands)',
    );
  });

  it('refuses the stormwatch profile, given or by default', () => {
    expect(onlyProblem(scenarioText([VALID_TARGET[0]!, 'profile: stormwatch']))).toBe(
      '7: config.target.profile: expected a foreign profile (django-channels, json, ws-ping or a mapping); a stormwatch server is reached with --server-url or --server-cmd',
    );
    // No profile at all: the problem points at the target itself.
    expect(onlyProblem(scenarioText([VALID_TARGET[0]!]))).toMatch(
      /^5: config\.target\.profile: expected a foreign profile/,
    );
  });

  it('refuses token.expire in method and rollbacks, at the step line', () => {
    const text = scenarioText(VALID_TARGET, {
      method: [
        '- { at: 1s, action: wait, duration: 1s }',
        '- { at: 2s, action: token.expire }',
        '- { action: wait, duration: 1s }',
      ],
    }).concat('rollbacks:\n  - { action: token.expire }\n');
    const message =
      "token.expire revokes tokens through stormwatch's server; a foreign target has no revocation";
    expect(problemsOf(text).map((p) => [p.line, p.field, p.message])).toEqual([
      [15, 'method[1]', message],
      [18, 'rollbacks[0]', message],
    ]);
  });

  it('refuses client.fallback with a target', () => {
    expect(
      onlyProblem(scenarioText(VALID_TARGET, { config: ['client: { fallback: true }'] })),
    ).toBe(
      "10: config.client.fallback: long polling is stormwatch's own API: not with a foreign target",
    );
  });

  it('refuses a topology of several instances with a target', () => {
    expect(
      onlyProblem(
        scenarioText(VALID_TARGET, { config: ['topology: { instances: 2, broker: redis }'] }),
      ),
    ).toBe('10: config.topology.instances: a foreign target is one service: drop topology');
  });

  it('a scenario without target has none', () => {
    const text = scenarioText(VALID_TARGET).replace(/ {2}target:\n( {4}.*\n)+/, '');
    expect(parseScenario(text, 'plain.yaml').config.target).toBeUndefined();
  });
});
