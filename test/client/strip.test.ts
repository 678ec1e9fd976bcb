import { describe, expect, it } from 'vitest';
import { timelineStrip, type TimelineEntry } from '../../src/client/index.js';

const H = 60 * 60 * 1000;
const NOW = 100 * H;

function at(hoursAgo: number, kind: TimelineEntry['kind'], extra: Partial<TimelineEntry> = {}) {
  return { at: NOW - hoursAgo * H, kind, ...extra } satisfies TimelineEntry;
}

describe('timelineStrip', () => {
  it('shows the time before the first entry as unknown and ends at now', () => {
    const strip = timelineStrip([at(2, 'connecting'), at(1.9, 'connected')], NOW);
    expect(strip.map((s) => s.state)).toEqual(['unknown', 'reconnecting', 'connected']);
    expect(strip[0]!.from).toBe(NOW - 24 * H);
    expect(strip.at(-1)!.to).toBe(NOW);
    expect(strip[2]!.from).toBe(NOW - 1.9 * H);
  });

  it('merges retries into one reconnecting stretch and keeps the highest attempt', () => {
    const strip = timelineStrip(
      [
        at(5, 'connected'),
        at(4, 'reconnecting', { attempt: 1, closeCode: 1006 }),
        at(3.9, 'connecting', { attempt: 1 }),
        at(3.8, 'reconnecting', { attempt: 2 }),
        at(3.7, 'connecting', { attempt: 2 }),
        at(3, 'connected'),
      ],
      NOW,
    );
    const outage = strip.find((s) => s.state === 'reconnecting')!;
    expect(outage).toMatchObject({ from: NOW - 4 * H, to: NOW - 3 * H, attempts: 2 });
    expect(outage.first?.closeCode).toBe(1006);
    expect(strip.filter((s) => s.state === 'reconnecting')).toHaveLength(1);
  });

  it('marks poor links inside a connection and returns to connected on good', () => {
    const strip = timelineStrip(
      [at(3, 'connected'), at(2, 'poor'), at(1, 'good'), at(0.5, 'failed', { attempt: 10 })],
      NOW,
    );
    expect(strip.map((s) => s.state)).toEqual([
      'unknown',
      'connected',
      'poor',
      'connected',
      'failed',
    ]);
    expect(strip.at(-1)!.attempts).toBe(10);
  });

  it('clips to the window and starts from the baseline state', () => {
    const strip = timelineStrip([at(1, 'reconnecting')], NOW, 2 * H, at(30, 'connected'));
    expect(strip).toEqual([
      expect.objectContaining({ state: 'connected', from: NOW - 2 * H, to: NOW - H }),
      expect.objectContaining({ state: 'reconnecting', from: NOW - H, to: NOW }),
    ]);
  });

  it('the stretches tile the window without gaps or overlaps', () => {
    const entries = [at(20, 'connected'), at(10, 'disconnected'), at(9, 'connecting')];
    const strip = timelineStrip(entries, NOW);
    for (let i = 1; i < strip.length; i++) expect(strip[i]!.from).toBe(strip[i - 1]!.to);
    expect(strip.reduce((sum, s) => sum + s.to - s.from, 0)).toBe(24 * H);
  });
});
