// The method's and the rollbacks' steps of a scenario file: one action each, its fields
// checked, durations read in ms (before timeScale).
import { MAX_SCENARIO_DURATION_MS, parseDuration } from '../duration.js';
import { quoteInput, type Path, type Reader } from './reader.js';
import { SIM_FAULT_ATTRIBUTES, SIM_FAULT_MODELS } from './sim-faults.js';
import { TOXIC_ATTRIBUTES, TOXIC_STREAMS, TOXIC_TYPES } from './toxics.js';
import type { FaultTarget, SimFaultModel, Step, ToxicType } from './types.js';

const ACTIONS = [
  ...TOXIC_TYPES.map((t) => `fault.${t}`),
  'fault.down',
  'fault.reset',
  'server.restart',
  'server.stop',
  'server.start',
  'server.kill',
  'redis.pause',
  'redis.kill',
  'redis.restart',
  'redis.start',
  'alerts.burst',
  'token.expire',
  'clients.reconnect',
  'wait',
  'wait_until',
  ...SIM_FAULT_MODELS.map((m) => `sim.${m}`),
];
const STEP_COMMON = ['at', 'action', 'pauses'];

/** One step of `method:` or `rollbacks:` at `path`; undefined (an issue reported) when invalid. */
export function readStep(
  r: Reader,
  raw: unknown,
  path: Path,
  line: (p: Path) => number,
  probes: Set<string | undefined>,
): Step | undefined {
  const s = r.mapping(raw, path, true);
  if (s === undefined) return undefined;
  const action = r.string(s.action, [...path, 'action'], true);
  if (action === '') return undefined;
  if (!ACTIONS.includes(action)) {
    r.issue(
      [...path, 'action'],
      `unknown action ${quoteInput(action)} (expected one of ${ACTIONS.join(', ')})`,
    );
    return undefined;
  }
  const base: { line: number; atMs?: number; pauseBeforeMs?: number; pauseAfterMs?: number } = {
    line: line(path),
  };
  const at = r.duration(s.at, [...path, 'at'], { min: 0 });
  if (at !== undefined) base.atMs = at;
  const pauses = r.mapping(s.pauses, [...path, 'pauses']);
  if (pauses !== undefined) {
    r.onlyKeys(pauses, [...path, 'pauses'], ['before', 'after']);
    const before = r.duration(pauses.before, [...path, 'pauses', 'before'], { min: 0 });
    const after = r.duration(pauses.after, [...path, 'pauses', 'after'], { min: 0 });
    if (before !== undefined) base.pauseBeforeMs = before;
    if (after !== undefined) base.pauseAfterMs = after;
  }
  const durationOf = (key = 'duration') => r.duration(s[key], [...path, key], { min: 1 });
  const instanceOf = (): number | undefined => {
    if (s.instance === undefined || s.instance === 'all') return undefined;
    return r.number(s.instance, [...path, 'instance'], { min: 1, integer: true });
  };
  const targetOf = (): FaultTarget => {
    const kind = r.oneOf(s.target, [...path, 'target'], ['clients', 'redis'] as const, 'clients');
    if (kind === 'redis') {
      if (s.instance !== undefined) {
        r.issue([...path, 'instance'], 'target: redis is one link: drop instance');
      }
      return { kind };
    }
    const instance = instanceOf();
    return instance === undefined ? { kind } : { kind, instance };
  };
  const withDuration = <T extends object>(step: T, ms: number | undefined): T =>
    ms === undefined ? step : { ...step, durationMs: ms };

  if (action.startsWith('fault.') && action !== 'fault.down' && action !== 'fault.reset') {
    const toxic = action.slice('fault.'.length) as ToxicType;
    const specs = TOXIC_ATTRIBUTES[toxic];
    r.onlyKeys(s, path, [
      ...STEP_COMMON,
      'stream',
      'toxicity',
      'duration',
      'target',
      'instance',
      ...Object.keys(specs),
    ]);
    const attributes: Record<string, number> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const value = s[name];
      const p = [...path, name];
      if (value === undefined || value === null) {
        if (spec.required) r.issue(p, `is required for ${action}`);
        attributes[name] = spec.fallback;
        continue;
      }
      let n: number | undefined;
      if (typeof value === 'string' && (spec.unit === 'ms' || spec.unit === 'us')) {
        const ms = parseDuration(value);
        if (ms === undefined)
          r.issue(
            p,
            `expected a duration such as "12s" or a number of ${spec.unit}, got ${quoteInput(value)}`,
          );
        else if (ms > MAX_SCENARIO_DURATION_MS) {
          r.issue(p, `expected a duration of at most 7d, got ${quoteInput(value)}`);
        } else n = spec.unit === 'us' ? ms * 1000 : ms;
      } else {
        n = r.number(value, p, {
          min: spec.min,
          integer: spec.unit === 'bytes' || spec.unit === 'flag',
          ...(spec.unit === 'flag' ? { max: 1 } : {}),
        });
      }
      if (n !== undefined && n < spec.min) r.issue(p, `expected at least ${spec.min}, got ${n}`);
      attributes[name] = n ?? spec.fallback;
    }
    const step = {
      ...base,
      action: 'fault' as const,
      target: targetOf(),
      toxic,
      stream: r.oneOf(
        s.stream,
        [...path, 'stream'],
        TOXIC_STREAMS[toxic] ?? (['upstream', 'downstream', 'both'] as const),
        TOXIC_STREAMS[toxic]?.[0] ?? 'downstream',
      ),
      toxicity: r.number(s.toxicity, [...path, 'toxicity'], { min: 0, max: 1, fallback: 1 }) ?? 1,
      attributes,
    };
    return withDuration(step, durationOf());
  }
  if (action.startsWith('sim.')) {
    const model = action.slice('sim.'.length) as SimFaultModel;
    const specs = SIM_FAULT_ATTRIBUTES[model];
    r.onlyKeys(s, path, [...STEP_COMMON, 'duration', ...Object.keys(specs)]);
    const attributes: Record<string, number> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const p = [...path, name];
      const value =
        spec.unit === 'ms'
          ? r.duration(s[name], p, { required: spec.required, min: spec.min })
          : r.number(s[name], p, { min: spec.min, max: spec.max ?? Infinity });
      if (value === undefined && spec.required && spec.unit !== 'ms')
        r.issue(p, `is required for ${action}`);
      attributes[name] = value ?? spec.fallback;
    }
    return withDuration({ ...base, action: 'sim' as const, model, attributes }, durationOf());
  }
  switch (action) {
    case 'fault.down':
      r.onlyKeys(s, path, [...STEP_COMMON, 'duration', 'target', 'instance']);
      return withDuration({ ...base, action, target: targetOf() }, durationOf());
    case 'fault.reset':
      r.onlyKeys(s, path, STEP_COMMON);
      return { ...base, action };
    case 'server.restart':
    case 'server.stop':
    case 'server.start':
    case 'server.kill': {
      const timed = action === 'server.restart' || action === 'server.kill';
      r.onlyKeys(s, path, [
        ...STEP_COMMON,
        'instance',
        ...(action === 'server.kill' || action === 'server.start' ? [] : ['graceful']),
        ...(timed ? ['downtime'] : []),
      ]);
      const downtimeMs = timed
        ? r.duration(s.downtime, [...path, 'downtime'], { min: 0 })
        : undefined;
      return {
        ...base,
        action,
        graceful:
          action === 'server.kill' ? false : r.boolean(s.graceful, [...path, 'graceful'], true),
        downtimeMs: downtimeMs ?? 0,
        comesBack: action === 'server.restart' || downtimeMs !== undefined,
        instance: instanceOf(),
      };
    }
    case 'redis.pause': {
      r.onlyKeys(s, path, [...STEP_COMMON, 'duration']);
      const durationMs =
        r.duration(s.duration, [...path, 'duration'], { required: true, min: 1, fallback: 1 }) ?? 1;
      return { ...base, action, durationMs, downtimeMs: undefined };
    }
    case 'redis.kill':
    case 'redis.restart': {
      r.onlyKeys(s, path, [...STEP_COMMON, 'downtime']);
      const downtimeMs = r.duration(s.downtime, [...path, 'downtime'], {
        min: 0,
        ...(action === 'redis.restart' ? { fallback: 0 } : {}),
      });
      return { ...base, action, durationMs: 0, downtimeMs };
    }
    case 'redis.start':
      r.onlyKeys(s, path, STEP_COMMON);
      return { ...base, action };
    case 'alerts.burst':
      r.onlyKeys(s, path, [...STEP_COMMON, 'count']);
      return {
        ...base,
        action,
        count:
          r.number(s.count, [...path, 'count'], {
            min: 1,
            max: 1_000_000,
            integer: true,
            fallback: 1,
          }) ?? 1,
      };
    case 'clients.reconnect':
    case 'token.expire':
      r.onlyKeys(s, path, STEP_COMMON);
      return { ...base, action };
    case 'wait': {
      r.onlyKeys(s, path, [...STEP_COMMON, 'duration']);
      const durationMs =
        r.duration(s.duration, [...path, 'duration'], { required: true, min: 0, fallback: 0 }) ?? 0;
      return { ...base, action, durationMs };
    }
    case 'wait_until': {
      r.onlyKeys(s, path, [...STEP_COMMON, 'probe', 'timeout']);
      const probe = r.string(s.probe, [...path, 'probe'], true);
      if (probe !== '' && !probes.has(probe)) {
        r.issue(
          [...path, 'probe'],
          `no probe named ${quoteInput(probe)} in steady_state.probes or probes`,
        );
      }
      const timeoutMs =
        r.duration(s.timeout, [...path, 'timeout'], { required: true, min: 1, fallback: 1 }) ?? 1;
      return { ...base, action, probe, timeoutMs };
    }
  }
  return undefined;
}
