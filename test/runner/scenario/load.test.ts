import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../../../src/runner/index.js';

const VALID = `version: 1
title: Server restart during an alert burst
config: { clients: 50, seed: 42, timeScale: 1, alertsPerSecond: 5, client: { jitter: full } }
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: $clients } }
method:
  - { at: 10s, action: fault.latency, latency: 12s, stream: downstream, duration: 30s }
  - { at: 60s, action: server.restart, graceful: false, downtime: 5s }
  - { action: wait_until, probe: all-connected, timeout: 60s }
rollbacks:
  - { action: fault.reset }
thresholds:
  reconnect_duration_seconds: ["avg<5", "p(95)<10"]
  reconnect_success_ratio: ["rate>0.95"]
  alerts_lost: ["count==0"]
  uptime_ratio: [{ threshold: "value>0.99", window: steady }]
  pong_rtt_seconds: [{ threshold: "p(95)<0.1", window: steady, abortOnFail: true }]
`;

function problemOf(text: string): string {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario loader', () => {
  it('reads the scenario of DESIGN.md with durations in ms and $clients resolved', () => {
    const s = parseScenario(VALID, 'design.yaml');
    expect(s.title).toBe('Server restart during an alert burst');
    expect(s.config).toMatchObject({
      clients: 50,
      users: 50,
      seed: 42,
      timeScale: 1,
      alertsPerSecond: 5,
      client: { jitter: 'full' },
    });
    expect(s.probes).toEqual([
      {
        name: 'all-connected',
        metric: 'alert_client_connected',
        tolerance: { op: '==', value: 50 },
        line: 6,
      },
    ]);
    expect(s.method[0]).toEqual({
      line: 8,
      atMs: 10_000,
      action: 'fault',
      target: { kind: 'clients' },
      toxic: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 12_000, jitter: 0 },
      durationMs: 30_000,
    });
    expect(s.method[1]).toEqual({
      line: 9,
      atMs: 60_000,
      action: 'server.restart',
      graceful: false,
      downtimeMs: 5000,
      comesBack: true,
      instance: undefined,
    });
    expect(s.config.topology).toEqual({ instances: 1, broker: 'memory', persist: false });
    expect(s.method[2]).toEqual({
      line: 10,
      action: 'wait_until',
      probe: 'all-connected',
      timeoutMs: 60_000,
    });
    expect(s.rollbacks).toEqual([{ line: 12, action: 'fault.reset' }]);
    expect(s.thresholds.map((t) => [t.metric, t.source, t.window, t.abortOnFail])).toEqual([
      ['reconnect_duration_seconds', 'avg<5', 'all', false],
      ['reconnect_duration_seconds', 'p(95)<10', 'all', false],
      ['reconnect_success_ratio', 'rate>0.95', 'all', false],
      ['alerts_lost', 'count==0', 'all', false],
      ['uptime_ratio', 'value>0.99', 'steady', false],
      ['pong_rtt_seconds', 'p(95)<0.1', 'steady', true],
    ]);
  });

  const cases: Array<[string, string, string]> = [
    [
      'a bad duration',
      VALID.replace('latency: 12s', 'latency: twelve'),
      'bad.yaml:8:39: method[0].latency: expected a duration such as "12s" or a number of ms, got "twelve"',
    ],
    [
      'an unknown action',
      VALID.replace('fault.latency', 'fault.latenc'),
      'bad.yaml:8:16: method[0].action: unknown action "fault.latenc"',
    ],
    [
      'a bad threshold',
      VALID.replace('"avg<5"', '"avg<"'),
      'bad.yaml:14:32: thresholds.reconnect_duration_seconds[0]: expected "<aggregation><operator><number>"',
    ],
    [
      'an unknown probe',
      VALID.replace('probe: all-connected', 'probe: nope'),
      'bad.yaml:10:27: method[2].probe: no probe named "nope"',
    ],
    [
      'an aggregation the metric lacks',
      VALID.replace('rate>0.95', 'p(95)>0.95'),
      'bad.yaml:15:29: thresholds.reconnect_success_ratio[0]: p(95) does not apply to reconnect_success_ratio',
    ],
    [
      'a typo in a field',
      VALID.replace('clients: 50,', 'clients: 50, client_count: 3,'),
      'bad.yaml:3:24: config.client_count: unknown field',
    ],
    [
      'an unknown metric',
      VALID.replace('alerts_lost:', 'alerts_gone:'),
      'bad.yaml:16:3: thresholds.alerts_gone: unknown metric',
    ],
    ['broken YAML', VALID.replace('title: Server', 'title: [Server'), 'bad.yaml:'],
    [
      'a missing title',
      VALID.replace('title: Server restart during an alert burst\n', ''),
      'bad.yaml:1:1: title: is required',
    ],
    [
      'a wrong version',
      VALID.replace('version: 1', 'version: 2'),
      'bad.yaml:1:1: version: expected 1, got 2',
    ],
    [
      'toxicity above 1',
      VALID.replace('stream: downstream,', 'stream: downstream, toxicity: 1.5,'),
      'method[0].toxicity: expected 0..1, got 1.5',
    ],
    [
      'an unknown broker',
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full }, server: { broker: kafka } }',
      ),
      'config.server.broker: expected one of memory, redis, got "kafka"',
    ],
    [
      'a retry budget that is not a duration',
      VALID.replace('client: { jitter: full }', 'client: { jitter: full, giveUpAfter: soon }'),
      'config.client.giveUpAfter:',
    ],
    [
      'several instances in memory',
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full }, topology: { instances: 3, broker: memory } }',
      ),
      'config.topology.broker: memory holds alerts in one process: 3 instances need broker: redis',
    ],
    [
      'brokers that disagree',
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full }, server: { broker: memory }, topology: { broker: redis } }',
      ),
      'config.topology.broker: says redis but config.server.broker says memory',
    ],
    [
      'an instance beyond the topology',
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full }, topology: { instances: 2 } }',
      ).replace('graceful: false, downtime: 5s', 'instance: 3, graceful: false, downtime: 5s'),
      'method[1].instance: expected 1..2 (config.topology.instances), got 3',
    ],
    [
      'a Redis step without Redis',
      VALID.replace(
        '  - { action: wait_until',
        '  - { action: redis.pause, duration: 5s }\n  - { action: wait_until',
      ),
      'method[2].action: acts on Redis, but the run has none: set config.topology.broker: redis',
    ],
    [
      'a Redis pause without a duration',
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full }, topology: { broker: redis } }',
      ).replace(
        '  - { action: wait_until',
        '  - { action: redis.pause }\n  - { action: wait_until',
      ),
      'method[2].duration: is required',
    ],
    [
      'a fault on Redis that names an instance',
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full }, topology: { broker: redis } }',
      ).replace('stream: downstream,', 'stream: downstream, target: redis, instance: 1,'),
      'method[0].instance: target: redis is one link: drop instance',
    ],
    [
      'an unknown variable',
      VALID.replace('eq: $clients', 'eq: $client'),
      'steady_state.probes[0].tolerance.eq: unknown variable $client',
    ],
  ];
  for (const [name, text, message] of cases) {
    it(`names file, line and field for ${name}`, () => {
      expect(problemOf(text)).toContain(message);
    });
  }

  it('reads the Redis broker and a retry budget', () => {
    const scenario = parseScenario(
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full, giveUpAfter: 3m }, server: { broker: redis } }',
      ),
      'ok.yaml',
    );
    expect(scenario.config.server).toEqual({ broker: 'redis' });
    expect(scenario.config.topology).toEqual({ instances: 1, broker: 'redis', persist: false });
    expect(scenario.config.client.giveUpAfterMs).toBe(180_000);
  });

  it('reads a topology, steps on instances and on Redis', () => {
    const scenario = parseScenario(
      VALID.replace(
        'client: { jitter: full } }',
        'client: { jitter: full }, server: { maxConnections: 40 }, topology: { instances: 3, persist: true } }',
      )
        .replace('graceful: false, downtime: 5s', 'instance: 2, graceful: false, downtime: 5s')
        .replace(
          '  - { action: wait_until',
          [
            '  - { action: server.kill, instance: 3 }',
            '  - { action: server.start, instance: 3 }',
            '  - { action: server.kill, instance: all, downtime: 2s }',
            '  - { action: redis.pause, duration: 20s }',
            '  - { action: redis.restart }',
            '  - { action: redis.kill }',
            '  - { action: redis.start }',
            '  - { action: fault.latency, latency: 1s, target: redis }',
            '  - { action: fault.down, instance: 2, duration: 3s }',
            '  - { action: wait_until',
          ].join('\n'),
        ),
      'ok.yaml',
    );
    // Several instances default to Redis.
    expect(scenario.config.topology).toEqual({ instances: 3, broker: 'redis', persist: true });
    expect(scenario.config.server.maxConnections).toBe(40);
    const pick = (i: number) => {
      const {
        line: _line,
        atMs: _at,
        ...rest
      } = scenario.method[i] as unknown as Record<string, unknown>;
      return rest;
    };
    expect(pick(1)).toMatchObject({ action: 'server.restart', instance: 2, comesBack: true });
    expect(pick(2)).toEqual({
      action: 'server.kill',
      graceful: false,
      downtimeMs: 0,
      comesBack: false,
      instance: 3,
    });
    expect(pick(3)).toMatchObject({ action: 'server.start', instance: 3 });
    expect(pick(4)).toMatchObject({
      action: 'server.kill',
      instance: undefined,
      comesBack: true,
      downtimeMs: 2000,
    });
    expect(pick(5)).toEqual({ action: 'redis.pause', durationMs: 20_000, downtimeMs: undefined });
    expect(pick(6)).toEqual({ action: 'redis.restart', durationMs: 0, downtimeMs: 0 });
    expect(pick(7)).toEqual({ action: 'redis.kill', durationMs: 0, downtimeMs: undefined });
    expect(pick(8)).toEqual({ action: 'redis.start' });
    expect(pick(9)).toMatchObject({ action: 'fault', target: { kind: 'redis' } });
    expect(pick(10)).toEqual({
      action: 'fault.down',
      target: { kind: 'clients', instance: 2 },
      durationMs: 3000,
    });
  });

  it('applies command-line overrides before resolving $clients, keeping the users ratio', () => {
    const s = parseScenario(VALID.replace('clients: 50,', 'clients: 50, users: 25,'), 'o.yaml', {
      clients: 10,
      seed: 7,
      timeScale: 0.1,
    });
    expect(s.config).toMatchObject({ clients: 10, users: 5, seed: 7, timeScale: 0.1 });
    expect(s.probes[0]?.tolerance).toEqual({ op: '==', value: 10 });
  });

  it('reports every problem, the first in the message', () => {
    try {
      parseScenario(
        VALID.replace('latency: 12s', 'latency: x').replace('"avg<5"', '"avg"'),
        'two.yaml',
      );
      throw new Error('expected an error');
    } catch (error) {
      expect((error as ScenarioError).problems).toHaveLength(2);
      expect((error as ScenarioError).message).toMatch(/\(and 1 more\)$/);
    }
  });

  it('refuses a document that is not a mapping', () => {
    expect(problemOf('- 1\n- 2\n')).toContain('expected a mapping');
    expect(problemOf('')).toContain('bad.yaml:1:1');
  });

  it('refuses a wait of 600h (past what a timer holds) at parse time, with the line', () => {
    const text = 'version: 1\ntitle: long\nmethod:\n  - { at: 1s, action: wait, duration: 600h }\n';
    expect(problemOf(text)).toBe(
      'bad.yaml:4:29: method[0].duration: expected a duration of at most 7d, got "600h"',
    );
    expect(problemOf(VALID.replace('latency: 12s', 'latency: 30d'))).toBe(
      'bad.yaml:8:39: method[0].latency: expected a duration of at most 7d, got "30d"',
    );
    expect(parseScenario(text.replace('600h', '7d'), 'ok.yaml').method[0]).toMatchObject({
      durationMs: 7 * 86_400_000,
    });
  });

  it('quotes at most about 100 characters of a garbage file, whatever its shape', () => {
    const line = problemOf('x'.repeat(5_000_000));
    expect(line).toBe(
      `bad.yaml:1:1: expected a mapping, got "${'x'.repeat(99)}… (5000002 characters)`,
    );
    const key = problemOf(
      `version: 1\ntitle: t\nmethod: [{ action: wait, duration: 1s }]\n${'k'.repeat(1000)}: 1\n`,
    );
    expect(key.length).toBeLessThan(500);
    expect(key).toMatch(/^bad\.yaml:4:1: k{100}…: unknown field/);
    const garbage = problemOf(
      Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(
        '',
      ),
    );
    expect(garbage.length).toBeLessThan(500);
  });

  it('refuses a scenario file over 1 MiB without reading all of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stormwatch-load-'));
    try {
      const file = join(dir, 'huge.yaml');
      await writeFile(file, `version: 1\n#${'x'.repeat(2 * 1024 * 1024)}\n`);
      await expect(loadScenario(file)).rejects.toThrow(
        `${file}: scenario file is 2097165 bytes, expected at most 1048576 bytes (1 MiB)`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // A device that never ends is read no further than the limit.
    await expect(loadScenario('/dev/zero')).rejects.toThrow(
      '/dev/zero: scenario file is over 1 MiB, expected at most 1048576 bytes (1 MiB)',
    );
  });

  it('says an empty file is empty, not that its fields are required', () => {
    const empty =
      'bad.yaml:1:1: the file is empty (expected a scenario: version, title, method, …)';
    expect(problemOf('')).toBe(empty);
    expect(problemOf('\n  \n# only a comment\n')).toBe(empty);
  });
});
