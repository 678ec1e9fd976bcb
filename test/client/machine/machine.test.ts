import { describe, expect, it } from 'vitest';
import {
  createInitialState,
  createSeededRandom,
  DEFAULT_BACKOFF,
  DEFAULT_HEARTBEAT,
  DEFAULT_RESUME,
  transition,
  type MachineConfig,
  type MachineEvent,
  type MachineState,
} from '../../../src/client/index.js';

const config: MachineConfig = {
  urls: ['ws://a/ws/breach-alerts/u', 'ws://b/ws/breach-alerts/u'],
  backoff: { ...DEFAULT_BACKOFF, jitter: 'none' },
  heartbeat: DEFAULT_HEARTBEAT,
  resume: DEFAULT_RESUME,
  connectTimeoutMs: 20_000,
  tokenProvider: true,
};
const random = createSeededRandom(1);

function run(state: MachineState, event: MachineEvent, now = 0) {
  return transition(state, event, { config, now, random });
}

describe('transition (pure core)', () => {
  it('returns state and effects without performing any', () => {
    const initial = createInitialState(config);
    const frozen = structuredClone(initial);
    const { state, effects } = run(initial, { type: 'connect' });
    expect(initial).toEqual(frozen); // input untouched
    expect(state.phase).toEqual({ name: 'connecting', attempt: 0, step: 'token', tokenRequest: 1 });
    expect(effects.filter((e) => e.type !== 'clear-timer')).toEqual([
      { type: 'set-timer', timer: 'connect-timeout', delayMs: 20_000 },
      {
        type: 'emit',
        event: 'state',
        payload: { from: 'disconnected', to: 'connecting', reason: 'connect', attempt: 0, at: 0 },
      },
      { type: 'request-token', requestId: 1 },
    ]);
  });

  it('carries every field of the state through a transition', () => {
    const initial = createInitialState(config);
    const { state } = run(initial, { type: 'connect' });
    expect(state).not.toBe(initial);
    expect(Object.keys(state).sort()).toEqual(Object.keys(initial).sort());
    const rest = (s: MachineState) => ({
      ...s,
      phase: undefined,
      nextTokenRequest: undefined,
      tokenInFlight: undefined,
    });
    expect(rest(state)).toEqual(rest(initial));
  });

  it('walks token → socket → open → close → retry as data', () => {
    let state = run(createInitialState(config), { type: 'connect' }).state;
    let step = run(state, { type: 'token', requestId: 1, token: 't' }, 10);
    expect(step.effects).toContainEqual({
      type: 'open-socket',
      socketId: 1,
      url: 'ws://a/ws/breach-alerts/u',
      token: 't',
    });
    state = run(step.state, { type: 'open', socketId: 1 }, 20).state;
    expect(state.phase.name).toBe('connected');
    step = run(
      state,
      { type: 'close', socketId: 1, info: { code: 1012, reason: '', wasClean: true } },
      30,
    );
    expect(step.state.phase).toEqual({ name: 'reconnecting', attempt: 1, delayMs: 1000 });
    expect(step.effects).toContainEqual({ type: 'set-timer', timer: 'retry', delayMs: 1000 });
    // A stale close for a socket that is gone changes nothing.
    const stale = run(step.state, {
      type: 'close',
      socketId: 99,
      info: { code: 1000, reason: '', wasClean: true },
    });
    expect(stale.state).toBe(step.state);
    expect(stale.effects).toEqual([]);
  });

  it('is deterministic: the same inputs give the same outputs', () => {
    const events: MachineEvent[] = [
      { type: 'connect' },
      { type: 'token', requestId: 1, token: 't' },
      { type: 'close', socketId: 1, info: { code: 1006, reason: '', wasClean: false } },
    ];
    const replay = () => {
      const r = createSeededRandom(5);
      let state = createInitialState({ ...config, backoff: { ...config.backoff, jitter: 'full' } });
      const all: unknown[] = [];
      for (const event of events) {
        const out = transition(state, event, {
          config: { ...config, backoff: { ...config.backoff, jitter: 'full' } },
          now: 0,
          random: r,
        });
        state = out.state;
        all.push(out.effects);
      }
      return all;
    };
    expect(replay()).toEqual(replay());
  });
});
