import { describe, expect, it } from 'vitest';
import { BoundedLog } from '../../src/client/timeline.js';
import { createHarness } from './helpers.js';

describe('BoundedLog', () => {
  it('keeps at most maxEntries, dropping the oldest', () => {
    const log = new BoundedLog<{ at: number }>({ retentionMs: 1e9, maxEntries: 3 });
    for (let at = 1; at <= 5; at++) log.push({ at });
    expect(log.items().map((i) => i.at)).toEqual([3, 4, 5]);
    expect(log.baseline).toEqual({ at: 2 });
  });

  it('drops entries older than retentionMs', () => {
    const log = new BoundedLog<{ at: number }>({ retentionMs: 100, maxEntries: 1000 });
    for (const at of [0, 50, 120, 200]) log.push({ at });
    expect(log.items().map((i) => i.at)).toEqual([120, 200]);
  });

  it('stays fast and bounded under a long run', () => {
    const log = new BoundedLog<{ at: number }>({ retentionMs: 1e9, maxEntries: 100 });
    for (let at = 0; at < 200_000; at++) log.push({ at });
    expect(log.items()).toHaveLength(100);
    expect(log.items()[0]).toEqual({ at: 199_900 });
  });
});

describe('client.timeline()', () => {
  it('records connected, poor, good, reconnecting and failed, stamped by the clock, bounded', () => {
    const { clock, server, client } = createHarness({
      backoff: { maxAttempts: 1 },
      timeline: { maxEntries: 6 },
    });
    client.connect();
    server.pongDelayMs = 11_000;
    clock.advance(45_000); // ping at 30 s late: poor at 40 s
    server.pongDelayMs = 0;
    clock.advance(15_000); // ping at 60 s answered at once: good
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    server.last.drop();
    clock.advance(1000); // retry 1 refused: failed
    const timeline = client.timeline();
    expect(timeline.map((e) => e.kind)).toEqual([
      'connected',
      'poor',
      'good',
      'reconnecting',
      'connecting',
      'failed',
    ]);
    expect(timeline[1]!.at - timeline[0]!.at).toBe(40_000);
    expect(timeline.at(-1)).toMatchObject({ reason: 'max-attempts', httpStatus: 503 });
    client.dispose();
  });

  it('keeps nothing with maxEntries 0, while the events still flow; a negative bound is refused', () => {
    const { clock, client, events } = createHarness({ timeline: { maxEntries: 0 } });
    client.connect();
    clock.advance(95_000);
    expect(events.state.map((c) => c.to)).toContain('connected');
    expect(events.pong.length).toBeGreaterThan(0);
    expect(client.timeline()).toEqual([]);
    expect(client.stats().pongRttMs).toBeNull();
    client.dispose();
    expect(() => createHarness({ timeline: { maxEntries: -1 } })).toThrow(
      /timeline.maxEntries: expected a number >= 0, got -1/,
    );
  });
});
