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
import { canEchoPing } from '../../../src/client/machine/session.js';
import type { Effect } from '../../../src/client/machine/types.js';

const config: MachineConfig = {
  urls: ['ws://a/ws/breach-alerts/u'],
  backoff: { ...DEFAULT_BACKOFF, jitter: 'none' },
  heartbeat: DEFAULT_HEARTBEAT,
  resume: { ...DEFAULT_RESUME, enabled: false },
  connectTimeoutMs: 20_000,
  tokenProvider: true,
};
const random = createSeededRandom(1);
const run = (state: MachineState, event: MachineEvent, now: number) =>
  transition(state, event, { config, now, random });

/** A client connected at t=100 and past its stable period, with `pings` round trips behind it. */
function connected(pings: number): { state: MachineState; now: number } {
  let state = run(createInitialState(config), { type: 'connect' }, 0).state;
  state = run(state, { type: 'token', requestId: 1, token: 't' }, 10).state;
  state = run(state, { type: 'open', socketId: 1 }, 100).state;
  let now = 100;
  for (let i = 0; i < pings; i++) {
    now += 30_000;
    const sent = run(state, { type: 'timer', timer: 'ping' }, now);
    const id = `p${sent.state.nextPingId - 1}`;
    const pong = JSON.stringify({
      type: 'pong',
      id,
      timestamp: '2025-01-01T00:00:00.000Z',
      serverTime: 0,
    });
    state = run(sent.state, { type: 'message', socketId: 1, data: pong }, now + 7.5).state;
  }
  return { state, now };
}

const pongOf = (effects: readonly Effect[]) => effects.filter((e) => e.type === 'emit');

describe('echoed ping (a heartbeat round trip in one step)', () => {
  it('ends in the state and emits the pong the ping timer and its pong frame produce', () => {
    for (const [pings, rtt] of [
      [0, 0.5],
      [1, 12.25],
      [5, 240.125],
      [3, 9_998],
    ] as const) {
      const { state, now } = connected(pings);
      const sentAt = now + 30_000;
      expect(canEchoPing(state, config)).toBe(true);
      // The full path: the timer sends the ping, its pong arrives rtt later.
      const sent = run(state, { type: 'timer', timer: 'ping' }, sentAt);
      const id = `p${state.nextPingId}`;
      const pong = JSON.stringify({
        type: 'pong',
        id,
        timestamp: '2025-01-01T00:00:00.000Z',
        serverTime: 1,
      });
      const full = run(sent.state, { type: 'message', socketId: 1, data: pong }, sentAt + rtt);
      // The one step.
      const echoed = run(state, { type: 'echoed-ping', sentAt }, sentAt + rtt);
      expect(echoed.state).toEqual(full.state);
      expect(pongOf(echoed.effects)).toEqual(pongOf(full.effects));
      // The ping timer is rearmed by the shell at sentAt, as the full path's first step does;
      // the heartbeat check the full path armed and cleared again does not appear.
      expect(sent.effects).toContainEqual({ type: 'set-timer', timer: 'ping', delayMs: 30_000 });
      expect(echoed.effects.filter((e) => e.type !== 'emit')).toEqual([]);
    }
  });

  it('is offered only when nothing but the round trip can change: connected, visible, no ping in flight, quality good', () => {
    const { state } = connected(1);
    expect(canEchoPing(state, config)).toBe(true);
    expect(canEchoPing(createInitialState(config), config)).toBe(false);
    const inFlight = run(state, { type: 'timer', timer: 'ping' }, 90_000).state;
    expect(canEchoPing(inFlight, config)).toBe(false);
    const hidden = run(state, { type: 'hidden' }, 90_000).state;
    expect(canEchoPing(hidden, config)).toBe(false);
    // A ping left unanswered past the pong timeout makes quality poor.
    const late = run(inFlight, { type: 'timer', timer: 'heartbeat-check' }, 100_001).state;
    expect(late.quality).toBe('poor');
    expect(canEchoPing({ ...late, pending: [] }, config)).toBe(false);
    const off = { ...config, heartbeat: { ...config.heartbeat, intervalMs: 0 } };
    expect(canEchoPing(state, off)).toBe(false);
  });

  it('changes nothing when the state no longer allows it', () => {
    const { state } = connected(1);
    const inFlight = run(state, { type: 'timer', timer: 'ping' }, 90_000).state;
    const result = run(inFlight, { type: 'echoed-ping', sentAt: 90_000 }, 90_010);
    expect(result.state).toBe(inFlight);
    expect(result.effects).toEqual([]);
  });
});
