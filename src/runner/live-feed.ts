import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ClientStateName } from '../client/index.js';
import { RunnerError, RunnerErrorCode } from './errors.js';
import { Measurements } from './measure/aggregate.js';
import type { FleetRecorder } from './measure/recorder.js';
import type { Progress } from './run-scenario.js';
import type { Verdict } from './report/report.js';
import type { Scenario } from './scenario/types.js';
import { evaluateThresholds } from './thresholds/evaluate.js';

/**
 * One message of the live feed: the fleet by state, the active faults and the thresholds as
 * judged so far. Version 1; the health view (`/?feed=`) reads it.
 */
export interface LiveFeedSnapshot {
  version: 1;
  runId: string;
  scenario: string;
  /** `warmup` | `method` | `settle` | `rollback`, then `done` once a verdict is known. */
  phase: Progress['phase'] | 'done';
  /** Scenario seconds since the fleet started connecting. */
  elapsedSeconds: number;
  clients: {
    total: number;
    byState: Record<ClientStateName, number>;
    poor: number;
    /** Connected over the long-polling fallback. */
    polling: number;
  };
  activeFaults: string[];
  alerts: { published: number; delivered: number };
  /** Every threshold of the scenario, judged on what was measured so far. */
  thresholds: Array<{
    metric: string;
    threshold: string;
    window: string;
    actual: number | null;
    passed: boolean;
  }>;
  /** The run's verdict once it ended; null while it runs. */
  verdict: Verdict | null;
}

/** Path of the server-sent events stream. */
export const FEED_PATH = '/feed';
/** Path of the latest snapshot as JSON. */
export const FEED_JSON_PATH = '/feed.json';

// Streams are cheap, but a feed is for a few dashboards, not for the world.
const MAX_STREAMS = 64;

/**
 * The run as a live feed for the health view's fleet panel: `GET /feed` streams a JSON
 * snapshot as a server-sent event on every `update()`, `GET /feed.json` answers the latest one.
 * Read-only and aggregate (no user ids or tokens), so any origin may read it (CORS `*`); it
 * listens on 127.0.0.1 unless told otherwise.
 */
export class LiveFeed {
  readonly #recorder: FleetRecorder;
  readonly #scenario: Scenario;
  readonly #runId: string;
  readonly #measurements: Measurements;
  readonly #streams = new Set<ServerResponse>();
  #progress: Progress | undefined;
  #verdict: Verdict | null = null;
  #latest: LiveFeedSnapshot;
  #server: Server | undefined;

  constructor(recorder: FleetRecorder, scenario: Scenario, runId: string) {
    this.#recorder = recorder;
    this.#scenario = scenario;
    this.#runId = runId;
    this.#measurements = new Measurements(recorder, scenario.config.timeScale);
    this.#latest = this.#build();
  }

  /** The latest snapshot. */
  snapshot(): LiveFeedSnapshot {
    return this.#latest;
  }

  /** Takes a progress report (pass it from `runScenario`'s `onProgress`) and pushes a snapshot. */
  update(progress: Progress): void {
    this.#progress = progress;
    this.#publish();
  }

  /** Pushes the final snapshot with the verdict, then ends every stream. */
  finish(verdict: Verdict): void {
    this.#verdict = verdict;
    this.#publish();
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  /**
   * Answers `/feed` and `/feed.json` (and their CORS preflight); returns false for other paths,
   * so the feed can share a server (e.g. the one behind `--metrics-port`).
   */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== FEED_PATH && path !== FEED_JSON_PATH) return false;
    const cors = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET' }).end();
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { ...cors, allow: 'GET', 'content-type': 'text/plain' })
        .end('GET only\n');
      return true;
    }
    if (path === FEED_JSON_PATH) {
      response
        .writeHead(200, { ...cors, 'content-type': 'application/json; charset=utf-8' })
        .end(request.method === 'HEAD' ? undefined : JSON.stringify(this.#latest));
      return true;
    }
    if (this.#streams.size >= MAX_STREAMS) {
      response
        .writeHead(503, { ...cors, 'retry-after': '5', 'content-type': 'text/plain' })
        .end(`at most ${MAX_STREAMS} feed streams at once\n`);
      return true;
    }
    response.writeHead(200, {
      ...cors,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // EventSource reconnects after `retry` ms if the runner restarts its feed.
    response.write(`retry: 2000\n\n${event(this.#latest)}`);
    if (this.#verdict !== null) {
      response.end();
      return true;
    }
    this.#streams.add(response);
    request.on('close', () => this.#streams.delete(response));
    return true;
  }

  /** Serves the feed on `host`:`port` (0: any free port); returns the port. */
  async serve(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((request, response) => {
      if (!this.handle(request, response)) {
        response
          .writeHead(404, { 'content-type': 'text/plain' })
          .end(`only ${FEED_PATH} and ${FEED_JSON_PATH} here\n`);
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new RunnerError(
            RunnerErrorCode.START_FAILED,
            `--feed-port ${port}: ${error.code ?? error.message}`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : port;
  }

  /** Ends the streams and stops the server started by `serve`. */
  async close(): Promise<void> {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  #publish(): void {
    this.#latest = this.#build();
    const message = event(this.#latest);
    for (const stream of this.#streams) stream.write(message);
  }

  #build(): LiveFeedSnapshot {
    const progress = this.#progress;
    const snapshot = progress?.snapshot ?? this.#recorder.snapshot();
    return {
      version: 1,
      runId: this.#runId,
      scenario: this.#scenario.title,
      phase: this.#verdict !== null ? 'done' : (progress?.phase ?? 'warmup'),
      elapsedSeconds: Math.max(0, progress?.elapsedSeconds ?? 0),
      clients: {
        total: snapshot.total,
        byState: { ...snapshot.byState },
        poor: snapshot.poor,
        polling: snapshot.polling,
      },
      activeFaults: progress?.activeFaults ?? this.#recorder.activeFaults(),
      alerts: {
        published: progress?.published ?? this.#recorder.publishedCount,
        delivered: this.#recorder.deliveredCount,
      },
      thresholds: evaluateThresholds(this.#scenario.thresholds, this.#measurements).map((t) => ({
        metric: t.metric,
        threshold: t.threshold,
        window: t.window,
        actual: t.actual === null || Number.isFinite(t.actual) ? t.actual : null,
        passed: t.passed,
      })),
      verdict: this.#verdict,
    };
  }
}

function event(snapshot: LiveFeedSnapshot): string {
  return `data: ${JSON.stringify(snapshot)}\n\n`;
}
