import type { Clock, TimerHandle } from '../protocol/index.js';
import { formatDuration } from './duration.js';
import { RunnerError, RunnerErrorCode } from './errors.js';
import type { FaultHandle, Harness, RedisAction } from './harness/types.js';
import type { FleetRecorder } from './measure/recorder.js';
import { checkProbes, describeTolerance, readProbe } from './probes.js';
import { scaleSimAttributes } from './scenario/sim-faults.js';
import { scaleAttributes } from './scenario/toxics.js';
import type { FaultTarget, Probe, Scenario, Step } from './scenario/types.js';

/** ` on instance 2`, ` on redis`, or '' for every client link. */
function describeTarget(target: FaultTarget): string {
  if (target.kind === 'redis') return ' on redis';
  return target.instance === undefined ? '' : ` on instance ${target.instance}`;
}

/** The fault window's name suffix: `:redis`, `:2` for instance 2, '' for every client link. */
function targetTag(target: FaultTarget): string {
  if (target.kind === 'redis') return ':redis';
  return target.instance === undefined ? '' : `:${target.instance}`;
}

/** `server` or `instance 2`. */
function describeInstance(instance: number | undefined): string {
  return instance === undefined ? 'server' : `instance ${instance}`;
}

/** Fault window names per instance: `server-down` for all, `server-down:2` for instance 2. */
function instanceSuffix(instance: number | undefined): string {
  return instance === undefined ? '' : `:${instance}`;
}

/** The longest delay a Node timer keeps, in ms (2^31 - 1, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true || ms <= 0) {
      resolve();
      return;
    }
    let remainingMs = ms;
    let handle: TimerHandle | undefined;
    const done = () => {
      if (handle !== undefined) clock.clearTimeout(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    // A longer delay is waited in pieces: Node fires a timer over MAX_TIMER_MS at once.
    const arm = () => {
      const stepMs = Math.min(remainingMs, MAX_TIMER_MS);
      remainingMs -= stepMs;
      handle = clock.setTimeout(remainingMs > 0 ? arm : done, stepMs);
    };
    arm();
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Waits until every probe holds, checking every `pollMs`; false when `timeoutMs` passes. */
export async function waitForProbes(
  clock: Clock,
  probes: readonly Probe[],
  recorder: FleetRecorder,
  timeoutMs: number,
  pollMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    if (checkProbes(probes, recorder).every((p) => p.met)) return true;
    if (clock.now() >= deadline || signal?.aborted === true) return false;
    await sleep(clock, Math.min(pollMs, deadline - clock.now()), signal);
  }
}

/** The method's outcome: done, or stopped by a failed wait_until. */
export type MethodOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Runs the steps of `method:` (or `rollbacks:`) on the harness. `at` is an offset from the
 * start; a step without `at` follows the previous one. Faults with a duration end by
 * themselves; the method ends when every step and every timed fault is over.
 */
export class MethodRunner {
  readonly #scenario: Scenario;
  readonly #harness: Harness;
  readonly #recorder: FleetRecorder;
  readonly #signal: AbortSignal | undefined;
  readonly #timed: Promise<void>[] = [];
  readonly #open = new Set<{ name: string; end: FaultHandle; windowEnd?: () => void }>();
  #log: (line: string) => void;

  constructor(
    scenario: Scenario,
    harness: Harness,
    recorder: FleetRecorder,
    log: (line: string) => void,
    signal?: AbortSignal,
  ) {
    this.#scenario = scenario;
    this.#harness = harness;
    this.#recorder = recorder;
    this.#log = log;
    this.#signal = signal;
  }

  #aborted(): boolean {
    return this.#signal?.aborted === true;
  }

  #scaled(ms: number): number {
    return ms * this.#scenario.config.timeScale;
  }

  /** Runs `steps`; resolves when they and their timed faults are done. */
  async run(steps: readonly Step[]): Promise<MethodOutcome> {
    const clock = this.#harness.clock;
    const start = clock.now();
    for (const step of steps) {
      if (this.#aborted()) break;
      if (step.atMs !== undefined) {
        await sleep(clock, start + this.#scaled(step.atMs) - clock.now(), this.#signal);
      }
      await sleep(clock, this.#scaled(step.pauseBeforeMs ?? 0), this.#signal);
      if (this.#aborted()) break;
      const outcome = await this.#execute(step);
      if (!outcome.ok) return outcome;
      await sleep(clock, this.#scaled(step.pauseAfterMs ?? 0), this.#signal);
    }
    await Promise.all(this.#timed);
    return { ok: true };
  }

  /** Ends every fault still applied (rollback path). */
  async endOpenFaults(): Promise<void> {
    for (const fault of [...this.#open]) {
      this.#open.delete(fault);
      await fault.end();
    }
  }

  async #execute(step: Step): Promise<MethodOutcome> {
    const h = this.#harness;
    const cfg = this.#scenario.config;
    const at = `line ${step.line}`;
    switch (step.action) {
      case 'fault': {
        const name = `${step.toxic}:${step.stream}${targetTag(step.target)}`;
        const attributes = scaleAttributes(step.toxic, step.attributes, cfg.timeScale);
        const remove = await h.applyFault(step, attributes);
        this.#log(
          `fault ${step.toxic}:${step.stream}${describeTarget(step.target)} on (${JSON.stringify(step.attributes)}${step.durationMs === undefined ? '' : ` for ${formatDuration(step.durationMs)}`}) [${at}]`,
        );
        this.#track(name, remove, step.durationMs);
        return { ok: true };
      }
      case 'sim': {
        const name = `sim.${step.model}`;
        if (h.applySimFault === undefined) {
          throw new RunnerError(
            RunnerErrorCode.SCENARIO_INVALID,
            `${name} (line ${step.line}) is a sim-only action: run the scenario with stormwatch sim`,
          );
        }
        const remove = await h.applySimFault(
          step,
          scaleSimAttributes(step.model, step.attributes, cfg.timeScale),
        );
        this.#log(
          `${name} on (${JSON.stringify(step.attributes)}${step.durationMs === undefined ? '' : ` for ${formatDuration(step.durationMs)}`}) [${at}]`,
        );
        this.#track(name, remove, step.durationMs);
        return { ok: true };
      }
      case 'fault.down': {
        const restore = await h.proxyDown(step.target);
        const where = describeTarget(step.target);
        this.#log(
          `proxy down${where}${step.durationMs === undefined ? '' : ` for ${formatDuration(step.durationMs)}`} [${at}]`,
        );
        this.#track(`proxy-down${targetTag(step.target)}`, restore, step.durationMs);
        return { ok: true };
      }
      case 'fault.reset':
        await h.resetFaults();
        for (const fault of [...this.#open]) {
          this.#open.delete(fault);
          await fault.end();
        }
        this.#log(`faults reset [${at}]`);
        return { ok: true };
      case 'server.restart':
      case 'server.kill': {
        const which = describeInstance(step.instance);
        const hard = step.action === 'server.kill' || !step.graceful;
        const name = `${hard ? 'server-restart-hard' : 'server-restart'}${instanceSuffix(step.instance)}`;
        if (!step.comesBack) {
          this.#stopped(`server-down${instanceSuffix(step.instance)}`);
          this.#log(`${which} killed [${at}]`);
          await h.stopServer(false, step.instance);
          return { ok: true };
        }
        const end = this.#recorder.recordFault(name);
        this.#log(
          `${which} ${step.action === 'server.kill' ? 'killed' : `${hard ? 'hard' : 'graceful'} restart`}, down ${formatDuration(step.downtimeMs)} [${at}]`,
        );
        await h.stopServer(step.graceful, step.instance);
        await sleep(h.clock, this.#scaled(step.downtimeMs), this.#signal);
        await h.startServer(step.instance);
        end();
        return { ok: true };
      }
      case 'server.stop': {
        this.#stopped(`server-down${instanceSuffix(step.instance)}`);
        this.#log(
          `${describeInstance(step.instance)} ${step.graceful ? 'graceful' : 'hard'} stop [${at}]`,
        );
        await h.stopServer(step.graceful, step.instance);
        return { ok: true };
      }
      case 'server.start':
        await h.startServer(step.instance);
        await this.#endOpen((name) =>
          step.instance === undefined
            ? name.startsWith('server-down')
            : name === `server-down${instanceSuffix(step.instance)}` || name === 'server-down',
        );
        this.#log(`${describeInstance(step.instance)} start [${at}]`);
        return { ok: true };
      case 'redis.pause': {
        const redis = this.#redis(step.action, step.line);
        await redis('pause');
        this.#log(`redis paused for ${formatDuration(step.durationMs)} [${at}]`);
        this.#track('redis-pause', () => redis('resume'), step.durationMs);
        return { ok: true };
      }
      case 'redis.kill':
      case 'redis.restart': {
        const redis = this.#redis(step.action, step.line);
        if (step.downtimeMs === undefined) {
          // Down until redis.start; a rollback (failure, Ctrl-C) starts it again.
          this.#stopped('redis-down', () => redis('start'));
          await redis('kill');
          this.#log(`redis killed [${at}]`);
          return { ok: true };
        }
        const end = this.#recorder.recordFault(
          step.action === 'redis.kill' ? 'redis-kill' : 'redis-restart',
        );
        this.#log(
          `redis ${step.action === 'redis.kill' ? 'killed' : 'restart'}, down ${formatDuration(step.downtimeMs)} [${at}]`,
        );
        try {
          await redis('kill');
          await sleep(h.clock, this.#scaled(step.downtimeMs), this.#signal);
        } finally {
          await redis('start');
          end();
        }
        return { ok: true };
      }
      case 'redis.start': {
        const redis = this.#redis(step.action, step.line);
        await redis('start');
        await this.#endOpen((name) => name === 'redis-down', { windowOnly: true });
        this.#log(`redis start [${at}]`);
        return { ok: true };
      }
      case 'alerts.burst':
        this.#log(`burst of ${step.count} alerts [${at}]`);
        await h.burst(step.count);
        return { ok: true };
      case 'token.expire': {
        // An instant fault: the fault window opens here.
        const end = this.#recorder.recordFault('token-expire');
        this.#log(`tokens revoked [${at}]`);
        await h.revokeTokens();
        end();
        return { ok: true };
      }
      case 'clients.reconnect': {
        const count = h.reconnectStopped();
        this.#log(`manual reconnect of ${count} stopped clients [${at}]`);
        return { ok: true };
      }
      case 'wait':
        await sleep(h.clock, this.#scaled(step.durationMs), this.#signal);
        return { ok: true };
      case 'wait_until': {
        const probe = [...this.#scenario.probes, ...this.#scenario.checks].find(
          (p) => p.name === step.probe,
        );
        if (probe === undefined) {
          throw new RunnerError(RunnerErrorCode.SCENARIO_INVALID, `no probe named ${step.probe}`);
        }
        const started = h.clock.now();
        const met = await waitForProbes(
          h.clock,
          [probe],
          this.#recorder,
          this.#scaled(step.timeoutMs),
          Math.max(10, this.#scaled(100)),
          this.#signal,
        );
        if (!met) {
          const actual = readProbe(probe, this.#recorder);
          return {
            ok: false,
            reason: `wait_until ${probe.name} timed out after ${formatDuration(step.timeoutMs)} (${probe.metric} = ${actual}, expected ${describeTolerance(probe.tolerance)}) [${at}]`,
          };
        }
        this.#log(
          `${probe.name} met after ${formatDuration((h.clock.now() - started) / cfg.timeScale)} [${at}]`,
        );
        return { ok: true };
      }
    }
  }

  /**
   * Opens the fault window of a part that stays down until a later step; `bringBack` runs when a
   * rollback ends the window instead (failure, Ctrl-C).
   */
  #stopped(name: string, bringBack?: () => Promise<void>): void {
    const end = this.#recorder.recordFault(name);
    this.#open.add({
      name,
      windowEnd: end,
      end: async () => {
        end();
        await bringBack?.();
      },
    });
  }

  /** Ends the open entries whose name matches; `windowOnly` closes their windows and no more. */
  async #endOpen(match: (name: string) => boolean, options: { windowOnly?: boolean } = {}) {
    for (const entry of [...this.#open]) {
      if (!match(entry.name)) continue;
      this.#open.delete(entry);
      if (options.windowOnly === true && entry.windowEnd !== undefined) entry.windowEnd();
      else await entry.end();
    }
  }

  /** The harness's Redis control, or a clear error when the run has no Redis of its own. */
  #redis(action: string, line: number): (what: RedisAction) => Promise<void> {
    const harness = this.#harness;
    if (harness.redis === undefined) {
      throw new RunnerError(
        RunnerErrorCode.SCENARIO_INVALID,
        `${action} (line ${line}) needs a Redis the run owns: stormwatch run with config.topology.broker: redis and without --redis (the simulator has no Redis)`,
      );
    }
    return (what) => harness.redis!(what);
  }

  /** Records a fault as active; ends it after `durationMs` (scenario time) when given. */
  #track(name: string, remove: FaultHandle, durationMs: number | undefined): void {
    const end = this.#recorder.recordFault(name);
    const entry = {
      name,
      end: async () => {
        end();
        await remove();
      },
    };
    this.#open.add(entry);
    if (durationMs === undefined) return;
    this.#timed.push(
      sleep(this.#harness.clock, this.#scaled(durationMs), this.#signal).then(async () => {
        if (!this.#open.delete(entry)) return;
        await entry.end();
        this.#log(`fault ${name} off`);
      }),
    );
  }
}
