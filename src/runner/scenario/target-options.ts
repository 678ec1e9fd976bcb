// Command-line overrides of `config.target` (`--target`, `--profile`, `--token-*`, `--publish`,
// `--ready`), with profile and publish files read and checked like scenarios.
import { readFile } from 'node:fs/promises';
import { PROFILE_PRESETS } from '../../client/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import { locatedError, parseLocatedYaml } from './load.js';
import { Reader } from './reader.js';
import type { Scenario, ScenarioTarget } from './types.js';
import { markerProblem, readProfile, readPublish, targetUrlProblem } from './validate-target.js';

/** The target flags as given; each overrides its part of the scenario's `config.target`. */
export interface TargetOptions {
  target?: string | undefined;
  /** A preset name or a YAML/JSON profile file. */
  profile?: string | undefined;
  tokenEnv?: string | undefined;
  tokenFile?: string | undefined;
  tokenCmd?: string | undefined;
  /** `none`, `stormwatch`, a URL or path (the shorthand request), or a YAML/JSON request file. */
  publish?: string | undefined;
  ready?: string | undefined;
}

/** Profile and publish files are a page of YAML at most. */
const MAX_FILE_BYTES = 256 * 1024;

const looksLikeFile = (value: string): boolean => /\.(ya?ml|json)$/i.test(value);

async function readSmallFile(file: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RunnerError(
      RunnerErrorCode.SCENARIO_UNREADABLE,
      `${file}: cannot read ${what} (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`,
    );
  }
  if (text.length > MAX_FILE_BYTES) {
    throw new RunnerError(
      RunnerErrorCode.SCENARIO_INVALID,
      `${file}: ${what} file is ${text.length} bytes, expected at most ${MAX_FILE_BYTES}`,
    );
  }
  return text;
}

/** Reads a YAML or JSON value with `read`, turning its issues into file:line errors. */
async function readLocated<T>(
  file: string,
  what: string,
  read: (r: Reader, value: unknown) => T,
): Promise<T> {
  const { value, locate } = parseLocatedYaml(await readSmallFile(file, what), file, what);
  const r = new Reader();
  const result = read(r, value);
  if (r.issues.length > 0) throw locatedError(file, r.issues, locate);
  return result;
}

/** Flag-level problems as one usage-style error naming the flag. */
function flagError(flag: string, message: string): RunnerError {
  return new RunnerError(RunnerErrorCode.SCENARIO_INVALID, `${flag}: ${message}`);
}

/**
 * The scenario with the target flags applied. A flag given without `--target` needs the
 * scenario's `config.target`. Throws a RunnerError naming the flag, or a ScenarioError with
 * file:line for a profile or publish file.
 */
export async function applyTargetOptions(
  scenario: Scenario,
  options: TargetOptions,
): Promise<Scenario> {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  if (given.length === 0) return scenario;
  const tokens = [options.tokenEnv, options.tokenFile, options.tokenCmd].filter(
    (value) => value !== undefined,
  );
  if (tokens.length > 1) {
    throw flagError('--token-env, --token-file, --token-cmd', 'give at most one of them');
  }
  const base = scenario.config.target;
  if (options.target === undefined && base === undefined) {
    const flag = `--${given[0]![0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw flagError(flag, 'needs --target URL (or config.target in the scenario)');
  }
  if (scenario.config.topology.instances > 1 || scenario.config.topology.broker === 'redis') {
    throw flagError(
      '--target',
      `${scenario.file} runs a topology on Redis; a foreign target is one service`,
    );
  }

  // Start from the scenario's target (or the defaults), then each flag.
  const target: ScenarioTarget =
    base === undefined
      ? {
          url: '',
          profile: { kind: 'stormwatch' },
          profileName: 'stormwatch',
          token: { kind: 'hs256' },
          publish: { kind: 'none' },
          readyPath: undefined,
        }
      : { ...base };
  if (options.target !== undefined) target.url = options.target;

  if (options.profile !== undefined) {
    const value = options.profile;
    let profile;
    if (PROFILE_PRESETS[value] !== undefined || !looksLikeFile(value)) {
      const pr = new Reader();
      profile = readProfile(pr, value, []);
      if (profile === undefined) {
        throw flagError(
          '--profile',
          `${pr.issues[0]?.message ?? 'invalid profile'} (or a .yaml/.json profile file)`,
        );
      }
    } else {
      profile = await readLocated(value, 'a client profile', (pr, raw) => readProfile(pr, raw, []));
      if (profile !== undefined) profile = { ...profile, name: value };
    }
    if (profile !== undefined) {
      if (profile.profile.kind === 'stormwatch') {
        throw flagError(
          '--profile',
          'stormwatch is the default for stormwatch servers; a --target needs a foreign profile (django-channels, json, ws-ping or a file)',
        );
      }
      target.profile = profile.profile;
      target.profileName = profile.name;
    }
  } else if (base === undefined) {
    throw flagError(
      '--target',
      'needs --profile (django-channels, json, ws-ping or a profile file)',
    );
  }

  if (options.tokenEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.tokenEnv)) {
      throw flagError(
        '--token-env',
        `expected an environment variable name, got ${JSON.stringify(options.tokenEnv)}`,
      );
    }
    target.token = { kind: 'env', name: options.tokenEnv };
  }
  if (options.tokenFile !== undefined) target.token = { kind: 'file', path: options.tokenFile };
  if (options.tokenCmd !== undefined) {
    if (options.tokenCmd.trim() === '') throw flagError('--token-cmd', 'expected a command');
    target.token = { kind: 'cmd', command: options.tokenCmd };
  }

  if (options.publish !== undefined) {
    const value = options.publish;
    if (looksLikeFile(value) && !/^https?:/i.test(value)) {
      target.publish = await readLocated(value, 'a publish request', (pr, raw) =>
        readPublish(pr, raw, []),
      );
    } else {
      const pr = new Reader();
      target.publish = readPublish(pr, value, []);
      if (pr.issues.length > 0) throw flagError('--publish', pr.issues[0]!.message);
    }
  }
  if (options.ready !== undefined) {
    if (!options.ready.startsWith('/')) {
      throw flagError(
        '--ready',
        `expected a path such as /healthz, got ${JSON.stringify(options.ready)}`,
      );
    }
    target.readyPath = options.ready;
  }

  const urlProblem = targetUrlProblem(target.url, target.profile.kind !== 'socketio');
  if (urlProblem !== undefined) throw flagError('--target', urlProblem);
  if (target.publish.kind === 'http') {
    const problem = markerProblem(target.profile);
    if (problem !== undefined) throw flagError('--publish', problem);
  }
  const revoke = [...scenario.method, ...scenario.rollbacks].find(
    (step) => step.action === 'token.expire',
  );
  if (revoke !== undefined) {
    throw new RunnerError(
      RunnerErrorCode.SCENARIO_INVALID,
      `${scenario.file}:${revoke.line}: token.expire revokes tokens through stormwatch's server; a foreign target has no revocation`,
    );
  }
  return { ...scenario, config: { ...scenario.config, target } };
}
