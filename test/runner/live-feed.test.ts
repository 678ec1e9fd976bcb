import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFleetSnapshot } from '../../src/health-view/fleet.js';
import { SimulatedClock } from '../../src/protocol/index.js';
import { FleetRecorder, parseScenario, type Progress } from '../../src/runner/index.js';
import { LiveFeed } from '../../src/runner/live-feed.js';

const SCENARIO = parseScenario(
  `version: 1
title: Feed test
config: { clients: 4, seed: 1, timeScale: 1, alertsPerSecond: 1 }
method:
  - { action: wait, duration: 1s }
thresholds:
  alerts_lost: ["count==0"]
  disconnections: ["count<=2"]
`,
  'feed.yaml',
);

const progress = (over: Partial<Progress> = {}): Progress => ({
  elapsedSeconds: 3,
  snapshot: {
    total: 4,
    byState: { connecting: 0, connected: 3, reconnecting: 1, disconnected: 0, failed: 0 },
    poor: 1,
    polling: 0,
  },
  activeFaults: ['latency'],
  published: 7,
  phase: 'method',
  ...over,
});

/** Reads server-sent events from a fetch body until `count` data messages arrived or it ended. */
async function readEvents(body: ReadableStream<Uint8Array>, count: number): Promise<unknown[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: unknown[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (data !== undefined) events.push(JSON.parse(data.slice(6)));
    }
  }
  await reader.cancel();
  return events;
}

describe('LiveFeed', () => {
  let feed: LiveFeed | undefined;
  afterEach(async () => {
    await feed?.close();
    feed = undefined;
  });

  it('serves the latest snapshot as JSON, readable by the health view, to any origin', async () => {
    feed = new LiveFeed(new FleetRecorder(new SimulatedClock(0)), SCENARIO, 'run-1');
    const port = await feed.serve(0);
    feed.update(progress());
    const response = await fetch(`http://127.0.0.1:${port}/feed.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const body: unknown = await response.json();
    expect(body).toEqual({
      version: 1,
      runId: 'run-1',
      scenario: 'Feed test',
      phase: 'method',
      elapsedSeconds: 3,
      clients: progress().snapshot,
      activeFaults: ['latency'],
      alerts: { published: 7, delivered: 0 },
      thresholds: [
        { metric: 'alerts_lost', threshold: 'count==0', window: 'all', actual: 0, passed: true },
        { metric: 'disconnections', threshold: 'count<=2', window: 'all', actual: 0, passed: true },
      ],
      verdict: null,
    });
    expect(parseFleetSnapshot(body)).toMatchObject({ ok: true });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  });

  it('streams a snapshot per update over server-sent events and ends the stream with the verdict', async () => {
    feed = new LiveFeed(new FleetRecorder(new SimulatedClock(0)), SCENARIO, 'run-2');
    const port = await feed.serve(0);
    const response = await fetch(`http://127.0.0.1:${port}/feed`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reading = readEvents(response.body!, 3);
    feed.update(progress({ phase: 'settle', activeFaults: [] }));
    feed.finish('threshold_failed');
    const events = (await reading) as Array<{ phase: string; verdict: string | null }>;
    expect(events.map((e) => [e.phase, e.verdict])).toEqual([
      ['warmup', null],
      ['settle', null],
      ['done', 'threshold_failed'],
    ]);
  });

  it('reports a port in use as a one-line harness error', async () => {
    feed = new LiveFeed(new FleetRecorder(new SimulatedClock(0)), SCENARIO, 'run-3');
    const port = await feed.serve(0);
    const other = new LiveFeed(new FleetRecorder(new SimulatedClock(0)), SCENARIO, 'run-4');
    await expect(other.serve(port)).rejects.toThrow(`--feed-port ${port}: EADDRINUSE`);
  });

  it('shares a server through handle(), leaving other paths to the caller', async () => {
    feed = new LiveFeed(new FleetRecorder(new SimulatedClock(0)), SCENARIO, 'run-5');
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      if (!feed!.handle(request, response)) response.writeHead(200).end('metrics here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await (await fetch(`${base}/metrics`)).text()).toBe('metrics here');
      expect(((await (await fetch(`${base}/feed.json`)).json()) as { runId: string }).runId).toBe(
        'run-5',
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
