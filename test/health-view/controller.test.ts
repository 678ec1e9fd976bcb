import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  createMemoryTransport,
  SimulatedClock,
  type Client,
  type MemoryServer,
} from '../../src/client/index.js';
import { connectView } from '../../src/health-view/controller.js';
import { createReplayTracker } from '../../src/health-view/replay-tracker.js';
import type { StripModel } from '../../src/health-view/strip-model.js';
import type { TimelineModel } from '../../src/health-view/timeline-model.js';
import type { HealthView } from '../../src/health-view/view.js';

const T0 = Date.UTC(2025, 0, 1, 12);
const MIN = 60_000;

/** A view that records what it was asked to draw. */
function recordingView() {
  const drawn = {
    strips: [] as StripModel[],
    timelines: [] as Array<{ model: TimelineModel; dropped: number }>,
    summaries: [] as string[],
    onWindowChange: undefined as ((value: string) => void) | undefined,
  };
  const view: HealthView = {
    renderBadge() {},
    renderStats(_items, summary) {
      drawn.summaries.push(summary);
    },
    renderStrip(model) {
      drawn.strips.push(model);
    },
    renderTimeline(model, dropped) {
      drawn.timelines.push({ model, dropped });
    },
    renderAlerts() {},
    renderFleet() {},
    setFleetStatus() {},
    announce() {},
    showProblems() {},
    setSubtitle() {},
    showTokenForm() {},
    hideTokenForm() {},
    onReconnect() {},
    onWindowChange(listener) {
      drawn.onWindowChange = listener;
    },
  };
  return { view, drawn };
}

function openConnection(server: MemoryServer, clock: SimulatedClock): void {
  const connection = server.connections.at(-1)!;
  connection.accept();
  connection.send({
    type: 'hello',
    connectionId: `c${server.connections.length}`,
    epoch: 'e',
    serverTime: clock.now(),
    heartbeat: { intervalMs: 0, timeoutMs: 10_000 },
  });
  connection.send({ type: 'resumed', replayed: 0, gap: false, missed: 0 });
}

describe('connectView', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function start(options: { windowMs: number; retentionMs: number }) {
    const clock = new SimulatedClock(T0);
    const { transport, server } = createMemoryTransport();
    const replay = createReplayTracker(transport);
    const client: Client = createClient({
      url: 'ws://127.0.0.1:1',
      userId: 'u',
      transport: replay.transport,
      clock,
      environment: null,
      heartbeat: { intervalMs: 0 },
      backoff: { jitter: 'none', initialDelayMs: 1000 },
      timeline: { retentionMs: options.retentionMs },
    });
    const { view, drawn } = recordingView();
    const stop = connectView({
      client,
      view,
      replay,
      clock,
      maxAttempts: 10,
      windowMs: options.windowMs,
    });
    cleanups.push(stop, () => client.dispose());
    client.connect();
    return { clock, server, client, drawn };
  }

  it('redraws the strip every second as time moves, and follows the window picked', () => {
    const { clock, server, drawn } = start({ windowMs: 15 * MIN, retentionMs: 24 * 60 * MIN });
    openConnection(server, clock);
    clock.advance(1000);
    const before = drawn.strips.length;
    clock.advance(1000);
    expect(drawn.strips.length).toBe(before + 1);
    const [previous, latest] = drawn.strips.slice(-2) as [StripModel, StripModel];
    // The connected stretch reaches to now, so it widened by a second's share of 15 minutes.
    expect(latest.rows.at(-1)!.widthPercent - previous.rows.at(-1)!.widthPercent).toBeCloseTo(
      (1 / 900) * 100,
      9,
    );
    expect(latest.title).toBe('Last 15 minutes');

    drawn.onWindowChange!('1m');
    expect(drawn.strips.at(-1)!.title).toBe('Last minute');
    expect(drawn.summaries.at(-1)).toBe('uptime 100 % over 2.0 s · 0 outages');
    drawn.onWindowChange!('forever'); // not a window: ignored
    clock.advance(1000);
    expect(drawn.strips.at(-1)!.windowMs).toBe(MIN);
  });

  it('counts one outage in the strip, the summary and the list while it goes on and after', () => {
    const { clock, server, drawn } = start({ windowMs: 15 * MIN, retentionMs: 24 * 60 * MIN });
    openConnection(server, clock);
    clock.advance(5000);
    server.connections.at(-1)!.drop();
    clock.advance(0);
    expect(drawn.strips.at(-1)!.ariaLabel).toMatch(/, 1 outage$/);
    expect(drawn.summaries.at(-1)).toMatch(/ · 1 outage \(one ongoing\)$/);
    clock.advance(1000); // the retry
    openConnection(server, clock);
    clock.advance(1000);
    // (The first connect took no simulated time: no stretch of its own.)
    expect(drawn.strips.at(-1)!.rows.map((r) => r.state)).toEqual([
      'unknown',
      'connected',
      'reconnecting',
      'connected',
    ]);
    expect(drawn.strips.at(-1)!.outages).toBe(1);
    expect(drawn.summaries.at(-1)).toMatch(/ · 1 outage$/);
    expect(drawn.timelines.at(-1)!.model.outages).toBe(1);
  });

  it('remembers the state a window began in after the client drops the entry that set it (a strip gone grey)', () => {
    // The client keeps 10 minutes of timeline; the window is 10 minutes too.
    const { clock, server, drawn } = start({ windowMs: 10 * MIN, retentionMs: 10 * MIN });
    openConnection(server, clock);
    clock.advance(15 * MIN);
    // A flap: the push of its entries drops the 15-minute-old connect from the client's log.
    server.connections.at(-1)!.drop();
    clock.advance(1000);
    openConnection(server, clock);
    clock.advance(1000);
    const strip = drawn.strips.at(-1)!;
    expect(strip.rows.map((r) => r.state)).toEqual(['connected', 'reconnecting', 'connected']);
    expect(strip.rows[0]!.leftPercent).toBe(0);
    // The dropped entries are said to be gone, not silently missing from the list.
    expect(drawn.timelines.at(-1)!.dropped).toBe(2);
  });
});
