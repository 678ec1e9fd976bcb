import { describe, expect, it } from 'vitest';
import { SampleLog } from '../../src/client/sample-log.js';

describe('SampleLog', () => {
  it('keeps at most maxEntries samples, oldest dropped first, across ring growth', () => {
    const log = new SampleLog({ retentionMs: 1e9, maxEntries: 20 });
    for (let i = 0; i < 50; i++) log.push(i, i * 2);
    expect(log.size).toBe(20);
    expect(log.items()).toEqual(
      Array.from({ length: 20 }, (_, k) => ({ at: 30 + k, value: (30 + k) * 2 })),
    );
  });

  it('drops samples older than retentionMs at each push', () => {
    const log = new SampleLog({ retentionMs: 100, maxEntries: 1000 });
    log.push(0, 1);
    log.push(50, 2);
    log.push(120, 3);
    expect(log.items()).toEqual([
      { at: 50, value: 2 },
      { at: 120, value: 3 },
    ]);
    log.push(500, 4);
    expect(log.items()).toEqual([{ at: 500, value: 4 }]);
  });

  it('keeps nothing with maxEntries 0', () => {
    const log = new SampleLog({ retentionMs: 100, maxEntries: 0 });
    log.push(1, 1);
    expect(log.items()).toEqual([]);
  });
});
