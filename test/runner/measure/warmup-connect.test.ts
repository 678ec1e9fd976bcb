import { describe, expect, it } from 'vitest';
import { warmupHerdOf } from '../../../src/runner/measure/warmup-connect.js';

describe('warmupHerdOf', () => {
  it('counts the herd, spans its first to last open and sorts each connect from the fleet’s', () => {
    expect(warmupHerdOf([1_300, 1_100, 1_250], 1_000)).toEqual({
      opens: 3,
      openSpanMs: 200,
      connectMs: [100, 250, 300],
    });
    expect(warmupHerdOf([1_100])).toEqual({ opens: 1, openSpanMs: 0, connectMs: [] });
  });

  it('takes a herd of 200,000 opens, past what spreading them into Math.min could', () => {
    const opens = Array.from({ length: 200_000 }, (_, i) => 5_000 + ((i * 7919) % 200_000));
    const herd = warmupHerdOf(opens, 5_000);
    expect(herd.openSpanMs).toBe(199_999);
    expect(herd.connectMs[0]).toBe(0);
    expect(herd.connectMs[199_999]).toBe(199_999);
  });
});
