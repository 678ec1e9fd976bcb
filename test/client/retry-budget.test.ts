// The retry budget is time, not a count of draws: a client gives up after trying for as long
// as the spec's schedule spans (1+2+4+8+16+30×5 = 181 s), however its jitter falls.
import { describe, expect, it } from 'vitest';
import {
  createSeededRandom,
  DEFAULT_BACKOFF,
  retryBudgetMs,
  type JitterMode,
} from '../../src/client/index.js';
import { createHarness, retryDelays, T0 } from './helpers.js';

describe('retryBudgetMs', () => {
  it('spans the nominal schedule: 181 s for the spec defaults, Infinity without a limit', () => {
    expect(retryBudgetMs(DEFAULT_BACKOFF)).toBe(181_000);
    expect(DEFAULT_BACKOFF.giveUpAfterMs).toBe(181_000);
    expect(retryBudgetMs({ ...DEFAULT_BACKOFF, maxAttempts: 4, maxDelayMs: 4000 })).toBe(11_000);
    expect(retryBudgetMs({ ...DEFAULT_BACKOFF, maxAttempts: Infinity })).toBe(Infinity);
  });
});

describe('giving up', () => {
  // 300 clients per mode against a server that refuses every upgrade at once (the case where
  // short draws used to spend ten attempts inside a 45 s outage).
  it.each(['full', 'equal', 'decorrelated', 'none'] as const)(
    'with %s jitter every client tries for exactly 181 s, never less',
    (jitter: JitterMode) => {
      const failedAt: number[] = [];
      const attempts: number[] = [];
      for (let seed = 1; seed <= 300; seed++) {
        const { clock, server, client, events } = createHarness({
          backoff: { jitter },
          random: createSeededRandom(seed),
        });
        server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
        client.connect();
        clock.advance(10 * 60_000);
        expect(client.state).toBe('failed');
        failedAt.push(events.state.at(-1)!.at - T0);
        attempts.push(retryDelays(events).length);
        client.dispose();
      }
      expect(new Set(failedAt)).toEqual(new Set([181_000]));
      if (jitter === 'none') expect(new Set(attempts)).toEqual(new Set([10]));
      // Full and equal jitter draw below nominal: at least the spec's ten attempts fit.
      // Decorrelated draws may exceed nominal (up to 3× the previous delay): fewer may.
      if (jitter === 'full' || jitter === 'equal') {
        expect(Math.min(...attempts)).toBeGreaterThanOrEqual(10);
      }
    },
  );

  it('survives a 70 s outage whatever the draws (16 % of clients used to give up inside it)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { clock, server, client } = createHarness({
        backoff: { jitter: 'full' },
        random: createSeededRandom(seed),
      });
      client.connect();
      server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
      server.last.drop();
      clock.advance(70_000);
      server.admit = () => ({ kind: 'accept' });
      clock.advance(120_000);
      expect(client.state).toBe('connected');
      client.dispose();
    }
  });

  it('takes giveUpAfterMs as given, and rejects a negative one', () => {
    const { clock, server, client, events } = createHarness({ backoff: { giveUpAfterMs: 10_000 } });
    server.admit = () => ({ kind: 'refuse', httpStatus: 503 });
    client.connect();
    clock.advance(60_000);
    expect(retryDelays(events)).toEqual([1000, 2000, 4000, 3000]);
    expect(events.state.at(-1)!.at - T0).toBe(10_000);
    client.dispose();
    expect(() => createHarness({ backoff: { giveUpAfterMs: -1 } })).toThrow(
      /backoff.giveUpAfterMs: expected a non-negative number of ms or Infinity, got -1/,
    );
  });
});
