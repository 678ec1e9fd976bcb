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

describe('echoed pings (heartbeat round trips in one step)', () => {
  it('ends in the state and emits the pongs the ping timers and their pong frames produce', () => {
    for (const [pings, rtts] of [
      [0, [0.5]],
      [1, [12.25, 13.5, 11]],
      [5, [240.125, 100]],
      [3, [9_998]],
    ] as const) {
      const { state, now } = connected(pings);
      expect(canEchoPing(state, config)).toBe(true);
      // The full path: each timer sends a ping, its pong arrives rtt later.
      let full = { state, effects: [] as readonly Effect[] };
      const emitted: Effect[] = [];
      const sentAt: number[] = [];
      const arrivedAt: number[] = [];
      rtts.forEach((rtt, i) => {
        const at = now + 30_000 * (i + 1);
        const id = `p${full.state.nextPingId}`;
        const sent = run(full.state, { type: 'timer', timer: 'ping' }, at);
        expect(sent.effects).toContainEqual({ type: 'set-timer', timer: 'ping', delayMs: 30_000 });
        const pong = JSON.stringify({
          type: 'pong',
          id,
          timestamp: '2025-01-01T00:00:00.000Z',
          serverTime: 1,
        });
        full = run(sent.state, { type: 'message', socketId: 1, data: pong }, at + rtt);
        emitted.push(...pongOf(full.effects));
        sentAt.push(at);
        arrivedAt.push(at + rtt);
      });
      // The one step, taken once every pong has arrived (the shell rearmed the ping timers).
      const later = arrivedAt.at(-1)! + 1_000;
      const rttMs = arrivedAt.map((at, i) => at - sentAt[i]!);
      const echoed = run(state, { type: 'echoed-pings', arrivedAt, rttMs }, later);
      expect(echoed.state).toEqual(full.state);
      // One effect stands for the pongs the full path emits one by one (the shell builds the
      // events from it); the heartbeat checks the full path armed and cleared do not appear.
      expect(echoed.effects).toHaveLength(1);
      const played = echoed.effects[0]!;
      if (played.type !== 'played-pongs')
        throw new Error(`expected played-pongs, got ${played.type}`);
      expect(
        played.at.map((at, i) => ({
          type: 'emit',
          event: 'pong',
          payload: {
            id: `p${played.firstPingId + i}`,
            rttMs: played.rttMs[i],
            onTime: played.rttMs[i]! <= config.heartbeat.pongTimeoutMs,
            throttled: false,
            at,
          },
        })),
      ).toEqual(emitted);
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
    const result = run(
      inFlight,
      { type: 'echoed-pings', arrivedAt: [90_010], rttMs: [10] },
      90_010,
    );
    expect(result.state).toBe(inFlight);
    expect(result.effects).toEqual([]);
  });
});
