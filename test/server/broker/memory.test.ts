import { describe, expect, it } from 'vitest';
import { createMemoryBroker } from '../../../src/server/index.js';
import type { AlertInput } from '../../../src/protocol/index.js';

const input = (userId: string): AlertInput => ({
  userId,
  severity: 'MEDIUM',
  title: 'x',
  source: 'unit',
  detectedAt: '2026-01-01T00:00:00Z',
});

describe('memory broker', () => {
  it('assigns gap-free seq per user and keeps at most historySize alerts', async () => {
    const broker = createMemoryBroker({ historySize: 3, epoch: 'e' });
    for (let i = 0; i < 5; i++) await broker.publish(input('a'), '2026-01-01T00:00:00Z', `a${i}`);
    await broker.publish(input('b'), '2026-01-01T00:00:00Z', 'b0');
    const a = await broker.history('a', 0);
    expect(a.alerts.map((x) => x.seq)).toEqual([3, 4, 5]);
    expect(a).toMatchObject({ epoch: 'e', firstSeq: 3, lastSeq: 5 });
    expect((await broker.history('a', 4)).alerts.map((x) => x.seq)).toEqual([5]);
    expect((await broker.history('a', 5)).alerts).toEqual([]);
    expect((await broker.history('b', 0)).alerts.map((x) => x.seq)).toEqual([1]);
    expect(await broker.history('nobody', 0)).toEqual({
      epoch: 'e',
      alerts: [],
      firstSeq: 1,
      lastSeq: 0,
    });
  });

  it('gives each broker its own epoch: a new memory broker is lost history', async () => {
    const first = createMemoryBroker();
    await first.publish(input('u'), '2026-01-01T00:00:00Z', 'u1');
    await first.publish(input('u'), '2026-01-01T00:00:00Z', 'u2');
    const firstHead = await first.head('u');
    expect(firstHead.lastSeq).toBe(2);
    expect((await first.history('u', 0)).epoch).toBe(firstHead.epoch);

    // A restarted memory-backed server: nothing of the old history, under a new epoch.
    const second = createMemoryBroker();
    const secondHead = await second.head('u');
    expect(secondHead.lastSeq).toBe(0);
    expect(secondHead.epoch).not.toBe(firstHead.epoch);
    expect(await second.history('u', 0)).toEqual({
      epoch: secondHead.epoch,
      alerts: [],
      firstSeq: 1,
      lastSeq: 0,
    });
    const next = await second.publish(input('u'), '2026-01-01T00:00:00Z', 'u3');
    expect(next.seq).toBe(1);
    // The old broker keeps its own history and epoch.
    expect(await first.head('u')).toEqual(firstHead);
  });

  it('notifies subscribers until they unsubscribe', async () => {
    const broker = createMemoryBroker();
    const seen: number[] = [];
    const off = broker.subscribe((a) => seen.push(a.seq));
    await broker.publish(input('a'), '2026-01-01T00:00:00Z', '1');
    off();
    await broker.publish(input('a'), '2026-01-01T00:00:00Z', '2');
    expect(seen).toEqual([1]);
  });

  it('rejects a historySize below 1', () => {
    expect(() => createMemoryBroker({ historySize: 0 })).toThrow(
      /historySize: expected an integer >= 1, got 0/,
    );
  });
});
