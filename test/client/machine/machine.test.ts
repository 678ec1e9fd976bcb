import { describe, expect, it } from 'vitest';
import {
  createInitialState,
  createSeededRandom,
  DEFAULT_BACKOFF,
  DEFAULT_HEARTBEAT,
  DEFAULT_RESUME,
  transition,
  type Effect,
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

  it("takes a transport's own heartbeat timeout as one, timed from the last sign of life", () => {
    let state = run(createInitialState(config), { type: 'connect' }).state;
    state = run(state, { type: 'token', requestId: 1, token: 't' }, 10).state;
    state = run(state, { type: 'open', socketId: 1 }, 20).state;
    // Engine.IO's ping at 5 s: no frame for the client, but the link was alive then.
    state = run(state, { type: 'activity', socketId: 1 }, 5_000).state;
    // A stale socket's activity is not this one's.
    state = run(state, { type: 'activity', socketId: 7 }, 6_000).state;
    expect(state.lastFrameAt).toBe(5_000);
    const dead = run(
      state,
      {
        type: 'close',
        socketId: 1,
        info: { code: 4000, reason: 'ping timeout', wasClean: false, heartbeatTimeout: true },
      },
      9_500,
    );
    const change = dead.effects.find((e) => e.type === 'emit' && e.event === 'state');
    expect(change).toMatchObject({
      payload: {
        from: 'connected',
        reason: 'heartbeat-timeout',
        closeCode: 4000,
        detectionMs: 4_500,
      },
    });
    // The same close without the flag is an ordinary one.
    const plain = run(
      state,
      { type: 'close', socketId: 1, info: { code: 4000, reason: '', wasClean: false } },
      9_500,
    );
    expect(plain.effects.find((e) => e.type === 'emit' && e.event === 'state')).toMatchObject({
      payload: { reason: 'close' },
    });
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

  it('is deterministic: the same inputs give the same outputs, and the delays come from ctx.random', () => {
    const jittered: MachineConfig = { ...config, backoff: { ...config.backoff, jitter: 'full' } };
    // Three attempts that each fail before opening.
    const events: MachineEvent[] = [{ type: 'connect' }];
    for (let n = 1; n <= 3; n++) {
      events.push(
        { type: 'token', requestId: n, token: 't' },
        { type: 'close', socketId: n, info: { code: 1006, reason: '', wasClean: false } },
      );
      if (n < 3) events.push({ type: 'timer', timer: 'retry' });
    }
    const replay = (source: () => number): (readonly Effect[])[] => {
      let state = createInitialState(jittered);
      const all: (readonly Effect[])[] = [];
      for (const event of events) {
        const out = transition(state, event, { config: jittered, now: 0, random: source });
        state = out.state;
        all.push(out.effects);
      }
      return all;
    };
    const retryDelays = (all: (readonly Effect[])[]): number[] => {
      const delays: number[] = [];
      for (const effect of all.flat()) {
        if (effect.type === 'set-timer' && effect.timer === 'retry') delays.push(effect.delayMs);
      }
      return delays;
    };

    expect(replay(createSeededRandom(5))).toEqual(replay(createSeededRandom(5)));
    expect(retryDelays(replay(createSeededRandom(5)))).not.toEqual(
      retryDelays(replay(createSeededRandom(6))),
    );
    // Full jitter, exactly: r · 1000, r · 2000, r · 4000 for the draws 0.125, 0.5, 0.875.
    const draws = [0.125, 0.5, 0.875];
    let next = 0;
    const scripted = () => {
      const value = draws[next++];
      if (value === undefined) throw new Error('drew more than once per retry');
      return value;
    };
    expect(retryDelays(replay(scripted))).toEqual([125, 1000, 3500]);
  });
});
